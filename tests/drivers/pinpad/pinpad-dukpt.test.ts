import { describe, expect, it } from "vitest";
import { deriveTdesTransactionKey } from "../../../protocol/crypto/dukpt/tdes-transaction-key.js";
import { deriveTdesWorkingKey } from "../../../protocol/crypto/dukpt/tdes-working-keys.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { toHex } from "../../../protocol/hex.js";
import { IPEK, pinPadRig } from "./rig.js";

/** The host side: transaction key from IPEK + KSN, PIN variant, decrypt (X9.24-1:2009 A.3, A.6). */
function hostDecrypt(block: Buffer, ksn: Buffer, pan: string): string {
  const transactionKey = deriveTdesTransactionKey(IPEK, ksn);
  const pinKey = deriveTdesWorkingKey(transactionKey, "pin");
  try {
    return decryptPinBlock(pinKey, block, { format: 0, pan }).toString("latin1");
  } finally {
    transactionKey.fill(0);
    pinKey.fill(0);
  }
}

describe("DUKPT PIN entry", () => {
  it("first transaction gives the X9.24-1 A.4 vector block and KSN (crypto-public.json dukpt_tdes[0])", async () => {
    const { pad, emulator } = pinPadRig();
    await pad.open();
    emulator.cardholder.enterPin("1234");
    const result = await pad.getPin({ pan: "4012345678909", keyManagement: "dukpt", keySlot: 1 });
    expect(result.keyManagement).toBe("dukpt");
    expect(toHex(result.ksn!)).toBe("FFFF9876543210E00001");
    expect(toHex(result.block)).toBe("1B9C1845EB993A7A");
    expect(hostDecrypt(result.block, result.ksn!, "4012345678909")).toBe("1234");
  });

  it("every PIN gets a new KSN, and the host derivation decrypts each one", async () => {
    const pan = "6225880112345678";
    const pins = ["1111", "802233", "4455667788", "123456789012"];
    const { pad } = pinPadRig({ autoPin: () => pins.shift() });
    const expected = [...pins];
    await pad.open();
    const counters: string[] = [];
    for (const pin of expected) {
      const result = await pad.getPin({ pan, keyManagement: "dukpt", keySlot: 1, maxLength: 12 });
      counters.push(toHex(result.ksn!).slice(-5));
      expect(hostDecrypt(result.block, result.ksn!, pan)).toBe(pin);
    }
    expect(counters).toEqual(["00001", "00002", "00003", "00004"]);
  });
});
