import type { Clock } from "../../../drivers/core/clock.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { Pn532Reader, type Pn532ReaderOptions } from "../../../drivers/nfc/pn532-reader.js";
import type { Pn532TraceEvent } from "../../../drivers/nfc/pn532-session.js";
import {
  Pn532Emulator,
  type Pn532EmulatorOptions,
  RfField,
} from "../../../tools/rig/emulators/pn532/index.js";
import { type FaultPlan, withFaults } from "../../../tools/rig/fault-plan.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";
import { ManualClock } from "../../support/manual-clock.js";

/**
 * Runs `promise` to completion on virtual time: each round lets pending I/O (setImmediate hops of the
 * memory link) happen, then moves the manual clock 1 ms. Timeouts fire deterministically, nothing sleeps.
 */
export async function settle<T>(promise: Promise<T>, clock: ManualClock, maxMs = 60_000): Promise<T> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let ms = 0; ms < maxMs && !done; ms++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!done) clock.advance(1);
  }
  if (!done) throw new Error(`did not settle within ${maxMs} virtual ms`);
  return promise;
}

/** Lets virtual time pass with no command waiting (late replies arrive, timers fire). */
export async function pass(clock: ManualClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1);
  }
}

export const SELECT_PPSE = Buffer.from("00A404000E325041592E5359532E444446303100", "hex");
export const PPSE_FCI = "6F23840E325041592E5359532E4444463031A511BF0C0E610C4F07A0000003330101870101";

/** A UnionPay QuickPass-style Type A card answering SELECT PPSE and a long READ RECORD. */
export function quickPassCard(name = "quickpass"): ScriptedCard {
  return new ScriptedCard({
    name,
    contactless: { uid: "04A1B2C3D4E5F6", atqa: "0044", sak: 0x20, ats: "0578807002" },
    responses: {
      "00A404000E325041592E5359532E444446303100": `${PPSE_FCI}9000`,
      // 258 bytes of record + SW: an extended frame from the PN532.
      "00B2010C": `${"70".padEnd(516, "A5")}9000`,
      // 600 bytes + SW: more than one InDataExchange reply can carry, so MI chaining.
      "00B2020C": `${"70".padEnd(1200, "5A")}9000`,
      "80A8": "770E8202198094080801010010010301" + "9000",
    },
  });
}

export interface RigOptions {
  emulator?: Pn532EmulatorOptions;
  reader?: Partial<Pn532ReaderOptions>;
  linkFaults?: FaultPlan;
}

/** A reader and an emulator on a memory link, all on one ManualClock; each (re)open makes a new link. */
export function pn532Rig(options: RigOptions = {}) {
  const clock = new ManualClock();
  const field = options.emulator?.field ?? new RfField();
  const emulators: Pn532Emulator[] = [];
  const deviceEnds: ByteLink[] = [];
  const trace: Pn532TraceEvent[] = [];
  let opens = 0;
  let refuse = false;
  const open = async (): Promise<ByteLink> => {
    opens++;
    if (refuse) throw new Error("no such port");
    const { host, device } = createMemoryLinkPair("pn532");
    const end = options.linkFaults
      ? withFaults(device, options.linkFaults, (fn, ms) => void clock.setTimeout(fn, ms))
      : device;
    deviceEnds.push(device);
    emulators.push(new Pn532Emulator(end, { clock, ...options.emulator, field }));
    return host;
  };
  const reader = new Pn532Reader({
    open,
    clock: clock as Clock,
    trace: (event) => trace.push(event),
    ...options.reader,
  });
  return {
    clock,
    field,
    reader,
    trace,
    get emulator(): Pn532Emulator {
      return emulators[emulators.length - 1]!;
    },
    get opens() {
      return opens;
    },
    /** The port vanishes (USB adapter unplugged): the emulator's end closes. */
    unplug: () => deviceEnds[deviceEnds.length - 1]!.close(),
    refuseOpens: (value: boolean) => {
      refuse = value;
    },
    run: <T>(promise: Promise<T>, maxMs?: number) => settle(promise, clock, maxMs),
  };
}
