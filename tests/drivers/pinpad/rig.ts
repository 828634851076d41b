import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { AbecsPinPad, type AbecsPinPadOptions } from "../../../drivers/pinpad/index.js";
import type { PinPadTraceEvent } from "../../../drivers/pinpad/pinpad-session.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { deriveTdesIpek } from "../../../protocol/crypto/dukpt/tdes-ipek.js";
import { kcvTdes } from "../../../protocol/crypto/kcv.js";
import { fromHex } from "../../../protocol/hex.js";
import { PinPadEmulator, type PinPadEmulatorOptions } from "../../../tools/rig/emulators/pinpad/index.js";
import { type FaultPlan, withFaults } from "../../../tools/rig/fault-plan.js";
import { ManualClock } from "../../support/manual-clock.js";

/** The pad's master key (TMK) in these tests. */
export const TMK = fromHex("0123456789ABCDEFFEDCBA9876543210");
/** Clear PIN key of the jPOS vector (crypto-public.json pinblock_encrypted_tdes[0]). */
export const PIK = fromHex("12345678123456781234567812345678");
export const PIK_UNDER_TMK = tdesEcbEncrypt(TMK, PIK);
export const PIK_KCV = kcvTdes(PIK);

/** ANSI X9.24-1:2009 A.4 (crypto-public.json dukpt_tdes[0]). */
export const BDK = fromHex("0123456789ABCDEFFEDCBA9876543210");
export const IKSN = fromHex("FFFF9876543210E00000");
export const IPEK = deriveTdesIpek(BDK, IKSN);

export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Lets the emulator and session run, then moves fake time. */
export async function advance(clock: ManualClock, ms: number): Promise<void> {
  await settle();
  clock.advance(ms);
  await settle();
}

/** A promise's outcome, captured so a rejection is never unhandled while the test moves time. */
export function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  return promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
}

export interface RigOptions extends PinPadEmulatorOptions {
  linkFaults?: FaultPlan;
  driver?: Partial<AbecsPinPadOptions>;
}

/** Driver ↔ emulator over memory links, on a ManualClock; each (re)open makes a fresh link pair. */
export function pinPadRig(options: RigOptions = {}) {
  const clock = new ManualClock();
  const emulator = new PinPadEmulator({
    masterKeys: { 0: TMK },
    dukpt: [{ index: 1, ipek: IPEK, ksn: IKSN }],
    ...options,
  });
  const links: { host: ByteLink; device: ByteLink }[] = [];
  const trace: PinPadTraceEvent[] = [];
  const opener = async () => {
    const pair = createMemoryLinkPair("pinpad");
    emulator.attach(options.linkFaults ? withFaults(pair.device, options.linkFaults) : pair.device);
    links.push(pair);
    return pair.host;
  };
  const pad = new AbecsPinPad({ opener, clock, trace: (e) => trace.push(e), ...options.driver });
  return { clock, emulator, pad, links, trace };
}

/** A rig with the session open and the PIN key loaded in slot 0. */
export async function readyRig(options: RigOptions = {}) {
  const rig = pinPadRig(options);
  await rig.pad.open();
  await rig.pad.loadWorkingKey({ slot: 0, usage: "pin", ciphertext: PIK_UNDER_TMK, kcv: PIK_KCV });
  return rig;
}
