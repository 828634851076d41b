import { getShortestPaths } from "@xstate/graph";
import { describe, expect, it } from "vitest";
import type { AnyStateMachine } from "xstate";
import { createTerminalMachine, SCREENS } from "../../../firmware/terminal/index.js";
import { ScriptedServices } from "./scripted-services.js";
import { adjacencyList, graphEvents, PROFILES, serializeBehaviour, walkPath } from "./terminal-graph.js";

const generated = Object.entries(PROFILES).map(([name, profile]) => {
  const machine = createTerminalMachine(new ScriptedServices(profile));
  // The graph also sends the invoked services' done/error events and the delay events, which the
  // machine's public event type leaves out: traverse it as an untyped machine.
  const paths = getShortestPaths(machine as AnyStateMachine, {
    events: graphEvents(machine),
    serializeState: serializeBehaviour,
  });
  return { name, profile, machine, paths };
});

describe("terminal chart: every path generated from the chart, replayed on a real actor", () => {
  for (const { name, profile, paths } of generated) {
    it(`walks all ${paths.length} shortest paths of the ${name} profile`, async () => {
      for (const path of paths) await walkPath(profile, path.steps);
    });
  }

  it("counts the paths and reaches every state of the chart on at least one of them", () => {
    const states = Object.keys(generated[0]!.machine.root.states).sort();
    // Every state has a screen of its own and every screen belongs to a state.
    expect(states).toEqual(Object.keys(SCREENS).sort());
    expect(states).toHaveLength(52);
    const counts = Object.fromEntries(generated.map((g) => [g.name, g.paths.length]));
    // One path per distinct behaviour (state + the context its guards read).
    expect(counts.full).toBeGreaterThan(400);
    expect(counts.bare).toBeGreaterThan(80);
    // Unrestricted, the chart is the one before the role checks (with the D0 query and password change).
    expect(counts.full).toBe(574);
    expect(counts.bare).toBe(181);
    expect(counts.guarded).toBeGreaterThan(counts.full!);
    const reached = new Set(generated.flatMap((g) => g.paths.map((p) => String(p.state.value))));
    expect([...reached].sort()).toEqual(states);
    // Disabled functions and an empty journal are only reachable in the bare profile, tips only in the full one.
    const reachedIn = (name: string) =>
      new Set(generated.find((g) => g.name === name)!.paths.map((p) => p.state.value));
    expect(reachedIn("full").has("tipEntry")).toBe(true);
    expect(reachedIn("bare").has("featureDisabled")).toBe(true);
    expect(reachedIn("bare").has("noTransaction")).toBe(true);
    // The D0 query and the password change need no role: every profile reaches all their screens.
    const added = ["instantQuerying", "instantSummary", "instantPrinting", "passwordUser", "passwordCurrent"];
    for (const name of [...added, "passwordNew", "passwordRepeat", "changingPassword", "passwordResult"]) {
      for (const profile of ["full", "bare", "guarded"])
        expect(reachedIn(profile).has(name), name).toBe(true);
    }
    // The role check is reached only where the services restrict a function.
    for (const name of ["authUser", "authPassword", "authorizing", "authRefused"]) {
      expect(reachedIn("guarded").has(name), name).toBe(true);
      expect(reachedIn("full").has(name), name).toBe(false);
      expect(reachedIn("bare").has(name), name).toBe(false);
    }
  });

  const checked = generated.filter((g) => g.name !== "bare");

  it("TAMPER leads to the tampered screen from every reachable state, and only REKEYED leaves it", () => {
    for (const { machine, paths } of checked) {
      const entries = adjacencyList(machine);
      expect(entries.length).toBe(paths.length);
      for (const { state, edges } of entries) {
        const tamper = edges.find((edge) => edge.event.type === "TAMPER");
        expect(tamper?.state.value, String(state.value)).toBe("tampered");
        if (state.value !== "tampered") continue;
        for (const { event, state: next } of edges) {
          expect(next.value).toBe(event.type === "REKEYED" ? "selfTest" : "tampered");
        }
      }
    }
  });

  it("keys a state does not document leave it exactly as it was", () => {
    let ignored = 0;
    for (const { machine } of checked) {
      for (const { state, edges } of adjacencyList(machine)) {
        const documented = Object.keys(machine.root.states[String(state.value)]!.meta?.keys ?? {});
        for (const { event, state: next } of edges) {
          if (event.type !== "KEY" || documented.includes(event.key)) continue;
          ignored++;
          expect(serializeBehaviour(next), `${String(state.value)} ${event.key}`).toBe(
            serializeBehaviour(state),
          );
        }
      }
    }
    expect(ignored).toBeGreaterThan(2000);
  });
});
