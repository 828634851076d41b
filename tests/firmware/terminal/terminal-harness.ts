import { createActor, SimulatedClock } from "xstate";
import {
  createTerminalMachine,
  type Key,
  type TerminalMachineOptions,
} from "../../../firmware/terminal/index.js";
import { type ScriptedProfile, ScriptedServices } from "./scripted-services.js";

export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A terminal actor on scripted services and a simulated clock. */
export function startTerminal(profile?: ScriptedProfile, options?: TerminalMachineOptions) {
  const services = new ScriptedServices(profile);
  const clock = new SimulatedClock();
  const actor = createActor(createTerminalMachine(services, options), { clock }).start();
  const state = () => String(actor.getSnapshot().value);
  const press = (...keys: Key[]) => {
    for (const key of keys) actor.send({ type: "KEY", key });
  };
  const type = (digits: string) => press(...([...digits] as Key[]));
  /** Self-test passes, the journal recovers, sign-in succeeds. */
  const bootToIdle = async () => {
    services.resolve("selfTest", { ok: true, faults: [] });
    await flush();
    services.resolve("recoverJournal", { reversalsPending: 0, slipsToPrint: 0, settlementResumed: false });
    await flush();
    services.resolve("signIn", { ok: true, batch: "000001" });
    await flush();
  };
  return { services, clock, actor, state, press, type, bootToIdle };
}
