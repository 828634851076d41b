import {
  deriveAcSessionKey,
  deriveIccMasterKey,
  generateArpcMethod1,
  verifyApplicationCryptogram,
} from "../../../../../protocol/crypto/emv/index.js";
import { arqcInput } from "../../../../../tools/host-sim/emv-issuer.js";
import type { EmvCardProfile } from "../../../../../tools/rig/cards/emv/index.js";

/** Issuer-side checks with the host simulator's own formula (tools/host-sim/emv-issuer.ts). */

export interface CryptogramEvidence {
  terminal: ReadonlyMap<string, Buffer>;
  aip: Buffer;
  atc: Buffer;
  iad: Buffer;
  ac: Buffer;
}

function keys(profile: EmvCardProfile, atc: Buffer) {
  const mk = deriveIccMasterKey(Buffer.from(profile.issuer.imkAc, "hex"), profile.pan, profile.psn);
  return { mk, sk: deriveAcSessionKey(mk, atc) };
}

export function issuerVerifies(profile: EmvCardProfile, e: CryptogramEvidence): boolean {
  const values = new Map(e.terminal);
  values.set("82", e.aip);
  values.set("9F36", e.atc);
  values.set("9F10", e.iad);
  const input = arqcInput(values);
  if (!input) throw new Error("cryptogram data incomplete");
  return verifyApplicationCryptogram(keys(profile, e.atc).sk, input, e.ac, 2);
}

/** The issuer's 91 value (ARPC ‖ ARC) for an ARQC, method 1 with the profile's key choice. */
export function issuerAuthenticationData(
  profile: EmvCardProfile,
  atc: Buffer,
  arqc: Buffer,
  arc = "3030",
): Buffer {
  const { mk, sk } = keys(profile, atc);
  const arcBytes = Buffer.from(arc, "hex");
  const arpc = generateArpcMethod1(profile.issuer.arpcKey === "session" ? sk : mk, arqc, arcBytes);
  return Buffer.concat([arpc, arcBytes]);
}
