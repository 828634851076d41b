import { describe, expect, it } from "vitest";
import {
  createTerminalMachine,
  KEYS,
  type KeyGuardParams,
  SCREEN_PLACEHOLDERS,
  type StateMeta,
} from "../../../firmware/terminal/index.js";
import { ScriptedServices } from "./scripted-services.js";

const machine = createTerminalMachine(new ScriptedServices());
const states = Object.entries(machine.root.states);

/** The keys a state reacts to, read off its `on.KEY` config: each transition's `key` guard names its keys. */
function reactedKeys(on: unknown): string[] {
  const config = (on as { KEY?: unknown } | undefined)?.KEY;
  const transitions = config === undefined ? [] : Array.isArray(config) ? config : [config];
  const keys = new Set<string>();
  for (const transition of transitions as { guard?: { type?: string; params?: KeyGuardParams } }[]) {
    expect(transition.guard?.type, "every KEY transition is guarded by the key guard").toBe("key");
    for (const key of transition.guard?.params?.keys ?? []) keys.add(key);
  }
  return [...keys].sort();
}

describe("terminal chart: every state names its screen and documents its keys", () => {
  it("has meta with a bilingual title and lines on every state", () => {
    expect(states.length).toBeGreaterThan(30);
    for (const [name, node] of states) {
      const meta = node.meta as StateMeta | undefined;
      expect(meta, name).toBeDefined();
      expect(meta?.screen.title.zh, name).toMatch(/\S/);
      expect(meta?.screen.title.en, name).toMatch(/\S/);
      expect(meta?.screen.lines.length, name).toBeGreaterThan(0);
      for (const line of meta?.screen.lines ?? []) {
        expect(line.zh, name).toMatch(/\S/);
        expect(line.en, name).toMatch(/\S/);
        // Only placeholders the UI knows how to fill, the same ones in both languages.
        const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const placeholder of names(line.zh)) expect(SCREEN_PLACEHOLDERS).toContain(placeholder);
        expect(names(line.zh)).toEqual(names(line.en));
      }
    }
  });

  it("documents exactly the keys each state reacts to", () => {
    let documentedKeys = 0;
    for (const [name, node] of states) {
      const meta = node.meta as StateMeta;
      const documented = Object.keys(meta.keys).sort();
      expect(documented, name).toEqual(reactedKeys(node.config.on));
      for (const key of documented) {
        expect(KEYS, name).toContain(key);
        expect(meta.keys[key as keyof StateMeta["keys"]], `${name} ${key}`).toMatch(/\w{3}/);
      }
      documentedKeys += documented.length;
    }
    expect(documentedKeys).toBeGreaterThan(100);
  });

  it("lets no key act while a request is on the wire or a device is busy", () => {
    for (const name of [
      "selfTest",
      "recoverJournal",
      "signIn",
      "processing",
      "printing",
      "settling",
      "authorizing",
      "tampered",
    ]) {
      expect(reactedKeys(machine.root.states[name]?.config.on), name).toEqual([]);
    }
  });

  it("reads the paper-out prompt the way the brief words it", () => {
    const meta = machine.root.states.paperOut?.meta as StateMeta;
    expect(meta.screen.lines[0]).toEqual({
      zh: "缺纸 请装纸后按确认",
      en: "Paper out: load paper, press Enter",
    });
  });
});
