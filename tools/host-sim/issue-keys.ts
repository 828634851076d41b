import { tdesEcbEncrypt } from "../../protocol/crypto/cipher.js";
import { withOddParity } from "../../protocol/crypto/emv/key-parity.js";
import { kcvTdes } from "../../protocol/crypto/kcv.js";
import type { RandomSource } from "../../protocol/crypto/pinblock/random.js";
import { buildField62, type SignInKeyLayout } from "../../protocol/iso8583/subfields/field62.js";

/** The clear working keys a terminal holds after sign-in, as the host keeps them. */
export interface WorkingKeys {
  layout: SignInKeyLayout;
  pik: Buffer;
  mak: Buffer;
  tdk?: Buffer;
}

/** Key sizes per sign-in layout (60.3): 001 single-length, 003 double PIK + single MAK, 004 all double + TDK. */
const SIZES: Record<SignInKeyLayout, { pik: number; mak: number; tdk: number }> = {
  "001": { pik: 8, mak: 8, tdk: 0 },
  "003": { pik: 16, mak: 8, tdk: 0 },
  "004": { pik: 16, mak: 16, tdk: 16 },
};

const KCV_BYTES = 4;

function freshKey(random: RandomSource, bytes: number): Buffer {
  const raw = random(bytes);
  const key = withOddParity(raw);
  raw.fill(0);
  return key;
}

/**
 * Issues fresh random working keys and the 0810 field 62 that carries them: each key TDES-ECB under the
 * TMK followed by the first 4 bytes of E(key, 00×8). The exact inverse of
 * protocol/crypto/working-keys.ts (splitSignInKeys + unwrapWorkingKeys).
 */
export function issueWorkingKeys(
  tmk: Buffer,
  layout: SignInKeyLayout,
  random: RandomSource,
): { keys: WorkingKeys; field62: Buffer } {
  const size = SIZES[layout];
  const pik = freshKey(random, size.pik);
  const mak = freshKey(random, size.mak);
  const tdk = size.tdk > 0 ? freshKey(random, size.tdk) : undefined;
  const wrap = (key: Buffer) => tdesEcbEncrypt(tmk, key);
  const kcv = (key: Buffer) => kcvTdes(key, KCV_BYTES);
  const field62 =
    layout === "001"
      ? buildField62({ layout, pik: wrap(pik), pikKcv: kcv(pik), mak: wrap(mak), makKcv: kcv(mak) })
      : layout === "003"
        ? buildField62({
            layout,
            pik: wrap(pik),
            pikKcv: kcv(pik),
            mak: wrap(mak),
            makFiller: Buffer.alloc(8),
            makKcv: kcv(mak),
          })
        : buildField62({
            layout,
            pik: wrap(pik),
            pikKcv: kcv(pik),
            mak: wrap(mak),
            makKcv: kcv(mak),
            tdk: wrap(tdk!),
            tdkKcv: kcv(tdk!),
          });
  return { keys: { layout, pik, mak, ...(tdk ? { tdk } : {}) }, field62 };
}

export function wipeWorkingKeys(keys: WorkingKeys | undefined): void {
  if (!keys) return;
  keys.pik.fill(0);
  keys.mak.fill(0);
  keys.tdk?.fill(0);
}
