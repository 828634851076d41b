import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import {
  buildStaticData,
  type CapkStore,
  type RsaPublicKey,
  recoverIccPublicKey,
  recoverIssuerPublicKey,
} from "../../../protocol/emv/index.js";
import type { RevocationCheck } from "./offline-data-authentication.js";
import type { TransactionContext } from "./transaction-context.js";
import type { RandomSource } from "./transaction-input.js";

/** Leading byte of the offline enciphered PIN plaintext (Book 2 §7.2 table 26). */
const PIN_DATA_HEADER = 0x7f;
/** Header ‖ PIN block ‖ ICC unpredictable number. */
const FIXED_LENGTH = 1 + 8 + 8;

/**
 * The key a PIN is enciphered under (Book 2 §7.1): the ICC PIN encipherment key (9F2D/9F2E/9F2F,
 * format 04, its hash covers no static data) when the card has one, else the ICC public key (9F46…,
 * whose hash covers the static data). Both are certified by the issuer key under the CA key 8F.
 * Throws the ProtocolError (OdaError) of the first check that fails: the CVM then fails.
 */
export function recoverPinEnciphermentKey(
  ctx: TransactionContext,
  capks: CapkStore,
  isRevoked?: RevocationCheck,
): RsaPublicKey {
  const card = ctx.card;
  const aid = ctx.fci.get("84") ?? Buffer.alloc(0);
  const now = ctx.terminal.get("9A")!;
  const pan = card.get("5A") ?? Buffer.alloc(0);
  const capk = capks.require(aid, card.get("8F"), "dda");
  const rid = aid.subarray(0, 5);
  const caIndex = card.get("8F")![0]!;
  const issuerKey = recoverIssuerPublicKey(capk, {
    cert90: card.get("90"),
    remainder92: card.get("92"),
    exponent9F32: card.get("9F32"),
    pan,
    now,
    method: "dda",
    ...(isRevoked ? { isRevoked: (serial: Buffer) => isRevoked(rid, caIndex, serial) } : {}),
  });
  const pinCertificate = card.get("9F2D");
  if (pinCertificate !== undefined) {
    return recoverIccPublicKey(issuerKey, {
      cert9F46: pinCertificate,
      remainder9F48: card.get("9F2F"),
      exponent9F47: card.get("9F2E"),
      staticData: Buffer.alloc(0),
      pan,
      now,
    });
  }
  const staticData = buildStaticData({
    records: ctx.odaRecords,
    sdaTagList9F4A: card.get("9F4A"),
    aip: card.get("82"),
    method: "dda",
  });
  return recoverIccPublicKey(issuerKey, {
    cert9F46: card.get("9F46"),
    remainder9F48: card.get("9F48"),
    exponent9F47: card.get("9F47"),
    staticData,
    pan,
    now,
  });
}

/**
 * Enciphers an offline PIN block for VERIFY P2 88 (Book 2 §7.2): `7F ‖ PIN block (8) ‖ ICC unpredictable
 * number (8) ‖ random pad` to the modulus length, then the raw RSA public operation. The plaintext is
 * zeroed before returning. Undefined when the key cannot take it (modulus too short, value ≥ modulus,
 * key refused by OpenSSL), which fails the CVM.
 */
export function encipherPinBlock(
  key: RsaPublicKey,
  pinBlock: Buffer,
  iccChallenge: Buffer,
  random: RandomSource,
): Buffer | undefined {
  const n = key.modulus.length;
  if (pinBlock.length !== 8 || iccChallenge.length !== 8 || n < FIXED_LENGTH + 1) return undefined;
  const pad = random.bytes(n - FIXED_LENGTH);
  const plaintext = Buffer.concat([Buffer.from([PIN_DATA_HEADER]), pinBlock, iccChallenge, pad]);
  try {
    const publicKey = createPublicKey({
      key: { kty: "RSA", n: base64url(key.modulus), e: base64url(key.exponent) },
      format: "jwk",
    });
    return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, plaintext);
  } catch {
    return undefined;
  } finally {
    plaintext.fill(0);
    pad.fill(0);
  }
}

function base64url(bytes: Buffer): string {
  // JWK integers carry no leading zero bytes.
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start).toString("base64url");
}
