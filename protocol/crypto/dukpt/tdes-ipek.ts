import { tdesEcbEncrypt, xor } from "../cipher.js";
import { DukptError } from "./dukpt-error.js";
import { TDES_DUKPT_KEY_MASK } from "./tdes-key-generation.js";
import { tdesInitialKsn } from "./tdes-ksn.js";

/**
 * Initial PIN encryption key (IPEK, the "initial key") from a double-length BDK and a KSN
 * (ANSI X9.24-1:2009 A.6): left = TDES(BDK, IKSN₆₄), right = TDES(BDK ⊕ C0C0C0C0 00000000…, IKSN₆₄),
 * where IKSN₆₄ is the left-most 64 bits of the KSN with its counter cleared.
 */
export function deriveTdesIpek(bdk: Buffer, ksn: Buffer): Buffer {
  if (bdk.length !== 16) {
    throw new DukptError(`TDES DUKPT BDK must be 16 bytes (double length), got ${bdk.length}`, {
      path: "bdk",
    });
  }
  const iksn = tdesInitialKsn(ksn);
  const data = iksn.subarray(0, 8);
  const left = tdesEcbEncrypt(bdk, data);
  const maskedBdk = xor(bdk, TDES_DUKPT_KEY_MASK);
  const right = tdesEcbEncrypt(maskedBdk, data);
  const ipek = Buffer.concat([left, right]);
  for (const b of [left, maskedBdk, right]) b.fill(0);
  return ipek;
}
