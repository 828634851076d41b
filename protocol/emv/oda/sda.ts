import { toHex } from "../../hex.js";
import { sha1 } from "./cert-checks.js";
import { OdaError } from "./oda-error.js";
import { type RsaPublicKey, rsaRecover } from "./rsa-recover.js";

export interface SdaInput {
  /** Signed static application data (93). */
  signed93: Buffer | undefined;
  /** Static data to be authenticated (see buildStaticData). */
  staticData: Buffer;
}

export interface SdaResult {
  /** Data authentication code, stored by the terminal as 9F45. */
  dac: Buffer;
}

/**
 * Verifies signed static application data (EMV Book 2 §5.4): header 6A, format 03, trailer BC, SHA-1
 * over format…pad ‖ static data. Any failure is "SDA failed".
 */
export function verifySda(issuerKey: RsaPublicKey, input: SdaInput): SdaResult {
  const fail = (message: string): OdaError => new OdaError("sda-failed", "sda", message, { path: "tag 93" });
  const { signed93 } = input;
  if (signed93 === undefined || signed93.length === 0) {
    throw new OdaError("icc-data-missing", "sda", "signed static application data absent", {
      path: "tag 93",
    });
  }
  const nI = issuerKey.modulus.length;
  if (signed93.length !== nI) throw fail(`signature is ${signed93.length} bytes, issuer key is ${nI}`);
  const recovered = rsaRecover(issuerKey, signed93);
  if (recovered === undefined || nI < 26) throw fail("signature cannot be recovered with the issuer key");
  if (recovered[0] !== 0x6a) throw fail("recovered header is not 6A");
  if (recovered[nI - 1] !== 0xbc) throw fail("recovered trailer is not BC");
  if (recovered[1] !== 0x03) throw fail(`signed data format ${toHex(recovered.subarray(1, 2))} is not 03`);
  if (recovered[2] !== 0x01) throw fail("hash algorithm is not SHA-1 (01)");
  const body = recovered.subarray(1, nI - 21);
  if (!sha1(body, input.staticData).equals(recovered.subarray(nI - 21, nI - 1))) {
    throw fail("signed static data hash mismatch");
  }
  return { dac: Buffer.from(recovered.subarray(3, 5)) };
}
