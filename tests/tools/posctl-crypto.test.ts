import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tdesEcbEncrypt } from "../../protocol/crypto/cipher.js";
import { deriveAesInitialKey } from "../../protocol/crypto/dukpt/aes-initial-key.js";
import { deriveAesTransactionKey } from "../../protocol/crypto/dukpt/aes-transaction-key.js";
import { deriveAesWorkingKey } from "../../protocol/crypto/dukpt/aes-working-key.js";
import {
  deriveIccMasterKeyOptionA,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
} from "../../protocol/crypto/emv/index.js";
import { kcvTdes } from "../../protocol/crypto/kcv.js";
import { fromHex, toHex } from "../../protocol/hex.js";
import { type PosctlResult, posctl, resetExitCode } from "../support/posctl.js";
import { loadVectors } from "../support/vectors.js";

resetExitCode();

/** Runs `posctl crypto …` in-process through the real program. */
function crypto(...args: string[]): Promise<PosctlResult> {
  return posctl("crypto", ...args);
}

/** Runs a command that must succeed and returns its single output line. */
async function line(...args: string[]): Promise<string> {
  const result = await crypto(...args);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return result.stdout.replace(/\n$/, "");
}

async function json(...args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await line(...args, "--json")) as Record<string, unknown>;
}

/** Bad input: exit 2, nothing on stdout, exactly one line on stderr that contains `mentions`. */
async function rejected(mentions: string, ...args: string[]): Promise<string> {
  const result = await crypto(...args);
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^posctl: [^\n]+\n$/);
  expect(result.stderr).toContain(mentions);
  process.exitCode = undefined;
  return result.stderr;
}

type Entry = Record<string, string> & { researcher_computed?: Record<string, string> };
type Vectors = Record<string, Entry[]> & { mac_iso9797_1_alg3_retail: (Entry & { padding: number })[] };
const V = loadVectors<Vectors>("crypto-public.json");
const rc = (entry: Entry, name: string): string => entry.researcher_computed?.[name] ?? "";

describe("posctl crypto pinblock", () => {
  it("builds clear format 0 blocks (psec, openemv, moov-io vectors)", async () => {
    for (const v of V.pinblock_iso0!) {
      expect(await line("pinblock", "--format", "0", "--pin", v.pin!, "--pan", v.pan!)).toBe(
        v.expected_pinblock,
      );
    }
  });

  it("builds clear format 2 blocks; --pan is ignored there", async () => {
    for (const v of V.pinblock_iso2!) {
      expect(await line("pinblock", "--format", "2", "--pin", v.pin!)).toBe(v.expected_pinblock);
    }
    expect(await line("pinblock", "--format", "2", "--pin", "1234", "--pan", "4111111111111111")).toBe(
      "241234FFFFFFFFFF",
    );
  });

  it("enciphers format 0 under a TDES key (jPOS ZPK vectors)", async () => {
    for (const v of V.pinblock_encrypted_tdes!.filter((e) => e.pan)) {
      const block = await line(
        "pinblock",
        "--format",
        "0",
        "--pin",
        v.pin!,
        "--pan",
        v.pan!,
        "--key",
        v.key!,
      );
      expect(block).toBe(v.expected_encrypted_pinblock);
    }
  });

  it("format 3 keeps the deterministic prefix and fills with A-F; format 1 fill varies between runs", async () => {
    for (const v of V.pinblock_iso3!.filter((e) => e.expected_pinblock_prefix)) {
      const block = await line("pinblock", "--format", "3", "--pin", v.pin!, "--pan", v.pan!);
      expect(block.startsWith(v.expected_pinblock_prefix!)).toBe(true);
    }
    const first = await line("pinblock", "--format", "1", "--pin", "1234");
    const second = await line("pinblock", "--format", "1", "--pin", "1234");
    expect(first.slice(0, 6)).toBe("141234");
    expect(first).not.toBe(second);
  });

  it("decode recovers the PIN from clear format 1 and 3 blocks", async () => {
    for (const v of V.pinblock_iso3!.filter((e) => e.expected_pin)) {
      expect(await line("pinblock", "decode", "--format", "3", "--block", v.pinblock!, "--pan", v.pan!)).toBe(
        v.expected_pin,
      );
    }
    for (const v of V.pinblock_iso1!.filter((e) => e.pinblock)) {
      expect(await line("pinblock", "decode", "--format", "1", "--block", v.pinblock!)).toBe(v.expected_pin);
    }
  });

  it("decode deciphers format 1 under TDES (jPOS) and format 4 under AES (psec, ep2)", async () => {
    const jpos = V.pinblock_encrypted_tdes!.find((e) => e.encrypted_pinblock)!;
    expect(
      await line(
        "pinblock",
        "decode",
        "--format",
        "1",
        "--block",
        jpos.encrypted_pinblock!,
        "--key",
        jpos.key!,
      ),
    ).toBe(jpos.expected_pin);
    for (const v of V.pinblock_iso4!.filter((e) => e.pinblock)) {
      const pin = await line(
        "pinblock",
        "decode",
        "--format",
        "4",
        "--block",
        v.pinblock!,
        "--pan",
        v.pan!,
        "--key",
        v.key!,
      );
      expect(pin).toBe(v.expected_pin);
    }
  });

  it("decode(encode) round-trips every format, clear and enciphered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2, 3, 4),
        fc.stringMatching(/^[0-9]{4,12}$/),
        fc.stringMatching(/^[0-9]{12,19}$/),
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        async (format, pin, pan, withKey, keyBytes) => {
          const keyed = withKey || format === 4;
          const key = keyed ? ["--key", toHex(keyBytes)] : [];
          const common = ["--format", String(format), "--pan", pan, ...key];
          const block = await line("pinblock", "--pin", pin, ...common);
          expect(block).toMatch(format === 4 ? /^[0-9A-F]{32}$/ : /^[0-9A-F]{16}$/);
          expect(await line("pinblock", "decode", "--block", block, ...common)).toBe(pin);
        },
      ),
      { seed: 9564, numRuns: 40 },
    );
  });

  it("decode refuses broken format 0 blocks (psec/openemv error cases) with one line", async () => {
    for (const v of V.pinblock_iso0_decode_errors!) {
      await rejected(
        "ISO format 0",
        "pinblock",
        "decode",
        "--format",
        "0",
        "--block",
        v.pinblock!,
        "--pan",
        v.pan!,
      );
    }
    const line3 = V.pinblock_iso3!.find((e) => e.expected_error)!;
    await rejected(
      "fill nibble",
      "pinblock",
      "decode",
      "--format",
      "3",
      "--block",
      line3.pinblock!,
      "--pan",
      line3.pan!,
    );
  });

  it("bad flags end in exit 2 naming the flag, never echoing the PIN", async () => {
    await rejected("--format must be 0..4", "pinblock", "--format", "5", "--pin", "1234");
    await rejected("--format must be a decimal integer", "pinblock", "--format", "x", "--pin", "1234");
    await rejected("missing --format", "pinblock", "--pin", "1234");
    await rejected("missing --pin", "pinblock", "--format", "2");
    await rejected("missing --pan", "pinblock", "--format", "0", "--pin", "1234");
    await rejected(
      "--format 4 needs --key",
      "pinblock",
      "--format",
      "4",
      "--pin",
      "1234",
      "--pan",
      "4111111111111111",
    );
    const bad = await rejected("pin", "pinblock", "--format", "2", "--pin", "98a7");
    expect(bad).not.toContain("98a7");
    await rejected("--key", "pinblock", "--format", "2", "--pin", "1234", "--key", "0123XY");
    await rejected("key", "pinblock", "--format", "2", "--pin", "1234", "--key", "0123456789");
    await rejected("--block must be 8 bytes", "pinblock", "decode", "--format", "2", "--block", "2412");
    await rejected(
      "--block must be 16 bytes",
      "pinblock",
      "decode",
      "--format",
      "4",
      "--block",
      "241234FFFFFFFFFF",
    );
    await rejected("missing --block", "pinblock", "decode", "--format", "2");
    await rejected(
      "--pin does not apply to decode",
      "pinblock",
      "decode",
      "--format",
      "2",
      "--block",
      "241234FFFFFFFFFF",
      "--pin",
      "1234",
    );
    await rejected("required option '--key <hex>'", "kcv");
  });

  it("help documents the build options, the decode subcommand and its own flags", async () => {
    const help = await crypto("pinblock", "--help");
    expect(help.exitCode).toBe(0);
    for (const text of ["--format", "--pin", "--pan", "--key", "decode", "crypto.randomBytes"]) {
      expect(help.stdout).toContain(text);
    }
    process.exitCode = undefined;
    const decodeHelp = await crypto("pinblock", "decode", "--help");
    expect(decodeHelp.exitCode).toBe(0);
    for (const text of ["--format", "--block", "--pan", "--key"]) expect(decodeHelp.stdout).toContain(text);
  });
});

describe("posctl crypto kcv", () => {
  it("TDES legacy check values, 3 bytes by default and --length as asked", async () => {
    for (const v of V.kcv_tdes_legacy!) {
      expect(await line("kcv", "--key", v.key!)).toBe(rc(v, "kcv_3_bytes"));
      const length = String(v.expected_kcv!.length / 2);
      expect(await line("kcv", "--key", v.key!, "--alg", "tdes", "--length", length)).toBe(v.expected_kcv);
    }
  });

  it("AES keys use the CMAC method, 3 bytes unless --length says otherwise", async () => {
    const [three, five] = V.kcv_aes_cmac!;
    expect(await line("kcv", "--key", three!.key!, "--alg", "aes")).toBe(three!.expected_kcv);
    expect(await line("kcv", "--key", five!.key!, "--alg", "aes", "--length", "5")).toBe(five!.expected_kcv);
  });

  it("bad input: unknown --alg, out-of-range --length, wrong key length", async () => {
    await rejected("--alg must be one of tdes, aes", "kcv", "--key", "0123456789ABCDEF", "--alg", "des");
    await rejected("--length must be 2..8", "kcv", "--key", "0123456789ABCDEF", "--length", "9");
    await rejected("AES key must be 16, 24 or 32 bytes", "kcv", "--key", "0123456789ABCDEF", "--alg", "aes");
  });
});

describe("posctl crypto mac", () => {
  it("cup-ecb prints the 8 ASCII characters of field 64 (pgate worked example)", async () => {
    const v = V.mac_unionpay_pos_ecb![0]!;
    expect(await line("mac", "--alg", "cup-ecb", "--key", v.key!, "--data", v.mab!)).toBe(
      v.expected_mac_text,
    );
  });

  it("x9.19 and iso9797-1-3 give the retail MAC (ISO 9797-1 annex B, pyemv, psec) for pads 1 and 2", async () => {
    for (const v of V.mac_iso9797_1_alg3_retail.filter((e) => e.padding !== 3)) {
      const pad = String(v.padding);
      const full = rc(v, "full_8_byte_mac");
      expect(
        await line("mac", "--alg", "x9.19", "--key", v.key!, "--data", v.data_ascii_hex!, "--pad", pad),
      ).toBe(full);
      expect(
        await line("mac", "--alg", "iso9797-1-3", "--key", v.key!, "--data", v.data_ascii_hex!, "--pad", pad),
      ).toBe(full);
      expect(full.startsWith(v.expected_mac!)).toBe(true);
    }
  });

  it("iso9797-1-1 gives the TDES CBC-MAC (psec); x9.9 of one block is single DES (FIPS 81)", async () => {
    for (const v of V.mac_iso9797_1_alg1_cbc_tdes!.filter((e) => String(e.padding) !== "3")) {
      const data = v.data_ascii_hex ?? v.data!;
      const mac = await line(
        "mac",
        "--alg",
        "iso9797-1-1",
        "--key",
        v.key!,
        "--data",
        data,
        "--pad",
        String(v.padding),
      );
      expect(mac).toBe(v.expected_mac);
    }
    const des = V.primitives!.find((e) => e.alg === "DES-ECB")!;
    expect(await line("mac", "--alg", "x9.9", "--key", des.key!, "--data", des.plaintext!)).toBe(
      des.expected_ciphertext,
    );
  });

  it("cmac: AES by default, TDES with --cipher tdes (NIST SP 800-38B)", async () => {
    for (const v of V.cmac_aes!) {
      expect(await line("mac", "--alg", "cmac", "--key", v.key!, "--data", v.data!)).toBe(v.expected_mac);
    }
    for (const v of V.cmac_tdes!) {
      expect(await line("mac", "--alg", "cmac", "--cipher", "tdes", "--key", v.key!, "--data", v.data!)).toBe(
        v.expected_mac,
      );
    }
  });

  it("bad input: unknown --alg, --pad or --cipher where they do not apply, bad hex, wrong key length", async () => {
    await rejected("--alg must be one of", "mac", "--alg", "x9.18", "--key", "00", "--data", "00");
    await rejected(
      "--pad does not apply to --alg cup-ecb",
      "mac",
      "--alg",
      "cup-ecb",
      "--key",
      "2222222222222222",
      "--data",
      "00",
      "--pad",
      "2",
    );
    await rejected(
      "--cipher applies only to --alg cmac",
      "mac",
      "--alg",
      "x9.19",
      "--key",
      "00",
      "--data",
      "00",
      "--cipher",
      "aes",
    );
    await rejected(
      "--pad must be one of 1, 2",
      "mac",
      "--alg",
      "x9.19",
      "--key",
      "00",
      "--data",
      "00",
      "--pad",
      "3",
    );
    await rejected("--data, offset 2", "mac", "--alg", "x9.9", "--key", "0123456789ABCDEF", "--data", "00G0");
    await rejected(
      "X9.9 key must be 8 bytes",
      "mac",
      "--alg",
      "x9.9",
      "--key",
      "0123456789ABCDEF00",
      "--data",
      "00",
    );
    await rejected("mak", "mac", "--alg", "cup-ecb", "--key", "0123456789ABCDEF00", "--data", "00");
  });
});

describe("posctl crypto dukpt", () => {
  it("TDES (10-byte KSN): IPEK, transaction key and the variant keys of the X9.24-1 A.4 table", async () => {
    for (const v of V.dukpt_tdes!) {
      expect(await json("dukpt", "--bdk", v.bdk!, "--ksn", v.ksn!)).toEqual({
        initialKey: v.expected_ipek,
        transactionKey: v.expected_txn_key,
        pinKey: rc(v, "pin_key"),
        macRequestKey: rc(v, "mac_request_key"),
        macResponseKey: rc(v, "mac_response_key"),
        dataRequestKey: rc(v, "data_request_key_after_owf"),
        dataResponseKey: rc(v, "data_response_key_after_owf"),
      });
    }
  });

  it("the TDES keys feed pinblock and mac to the table's PIN block, X9.19 and CMAC answers", async () => {
    const v = V.dukpt_tdes![0]!;
    const keys = await json("dukpt", "--bdk", v.bdk!, "--ksn", v.ksn!);
    const pinKey = String(keys.pinKey);
    expect(await line("pinblock", "--format", "0", "--pin", v.pin!, "--pan", v.pan!, "--key", pinKey)).toBe(
      v.expected_encrypted_pinblock,
    );
    const mac = await line(
      "mac",
      "--alg",
      "x9.19",
      "--key",
      String(keys.macRequestKey),
      "--data",
      v.mac_data_ascii_hex!,
    );
    expect(mac.startsWith(v.expected_mac_request_x919!)).toBe(true);
    const cmac = await line(
      "mac",
      "--alg",
      "cmac",
      "--cipher",
      "tdes",
      "--key",
      String(keys.macResponseKey),
      "--data",
      v.mac_data_ascii_hex!,
    );
    expect(cmac).toBe(v.expected_cmac_response_tdes);
  });

  it("AES (12-byte KSN): initial, transaction and working keys of the X9.24-3 supplement", async () => {
    for (const v of V.dukpt_aes128!) {
      expect(await json("dukpt", "--bdk", v.bdk!, "--ksn", v.ksn!, "--working-key", "aes128")).toEqual({
        initialKey: v.expected_initial_key,
        transactionKey: v.expected_txn_key,
        pinKey: v.expected_pin_key_aes128,
        macGenerationKey: v.expected_mac_gen_key_aes128,
        macVerificationKey: rc(v, "mac_verification_key_aes128_usage_2001"),
        dataEncryptionKey: v.expected_data_enc_key_aes128,
        dataDecryptionKey: rc(v, "data_decrypt_key_aes128_usage_3001"),
      });
    }
  });

  it("the AES PIN key deciphers the supplement's format 4 PIN block", async () => {
    const v = V.dukpt_aes128![0]!;
    const { pinKey } = await json("dukpt", "--bdk", v.bdk!, "--ksn", v.ksn!);
    const block = v.expected_encrypted_pinblock_iso4!;
    expect(
      await line(
        "pinblock",
        "decode",
        "--format",
        "4",
        "--block",
        block,
        "--pan",
        v.pan!,
        "--key",
        String(pinKey),
      ),
    ).toBe("1234");
  });

  it("--working-key picks the AES working key type; default is the BDK's own type", async () => {
    const bdk = "FEDCBA9876543210F1F1F1F1F1F1F1F1FEDCBA9876543210F1F1F1F1F1F1F1F1";
    const ksn = "123456789012345600000005";
    const ik = deriveAesInitialKey(fromHex(bdk), fromHex(ksn));
    const tk = deriveAesTransactionKey(ik, fromHex(ksn));
    for (const type of ["aes128", "aes256", "tdes2", "tdes3"] as const) {
      const keys = await json("dukpt", "--bdk", bdk, "--ksn", ksn, "--working-key", type);
      expect(keys.pinKey).toBe(toHex(deriveAesWorkingKey(tk, fromHex(ksn), "pin-encryption", type)));
      expect(keys.macGenerationKey).toBe(
        toHex(deriveAesWorkingKey(tk, fromHex(ksn), "mac-generation", type)),
      );
    }
    const byDefault = await json("dukpt", "--bdk", bdk, "--ksn", ksn);
    expect(String(byDefault.dataEncryptionKey)).toHaveLength(64);
  });

  it("text output without --json: one name: value line per key", async () => {
    const v = V.dukpt_tdes![0]!;
    const text = await line("dukpt", "--bdk", v.bdk!, "--ksn", v.ksn!);
    expect(text.split("\n")).toHaveLength(7);
    expect(text).toContain(`transactionKey: ${v.expected_txn_key}`);
  });

  it("bad input: KSN length, counter 0, BDK length, --working-key misuse", async () => {
    const bdk = "0123456789ABCDEFFEDCBA9876543210";
    await rejected(
      "--ksn must be 10 or 12 bytes, got 9",
      "dukpt",
      "--bdk",
      bdk,
      "--ksn",
      "FFFF9876543210E000",
    );
    await rejected("counter", "dukpt", "--bdk", bdk, "--ksn", "FFFF9876543210E00000");
    await rejected("bdk", "dukpt", "--bdk", "0123456789ABCDEF", "--ksn", "FFFF9876543210E00001");
    await rejected(
      "--working-key applies only to AES",
      "dukpt",
      "--bdk",
      bdk,
      "--ksn",
      "FFFF9876543210E00001",
      "--working-key",
      "aes128",
    );
    await rejected(
      "--working-key aes256 is stronger",
      "dukpt",
      "--bdk",
      bdk,
      "--ksn",
      "123456789012345600000001",
      "--working-key",
      "aes256",
    );
    await rejected(
      "--working-key must be one of",
      "dukpt",
      "--bdk",
      bdk,
      "--ksn",
      "123456789012345600000001",
      "--working-key",
      "des",
    );
  });
});

describe("posctl crypto tr31", () => {
  it("unwrap opens the TR-31:2018 version B and D examples", async () => {
    for (const v of V.tr31_unwrap!) {
      const opened = await json("tr31", "unwrap", "--kbpk", v.kbpk!, "--block", v.key_block_text!);
      expect(opened.key).toBe(v.expected_key);
      const header = opened.header as Record<string, unknown>;
      const text = v.expected_header_text!;
      expect(header).toMatchObject({
        version: text[0],
        blockLength: v.key_block_text!.length,
        keyUsage: text.slice(5, 7),
        algorithm: text[7],
        modeOfUse: text[8],
        keyVersionNumber: text.slice(9, 11),
        exportability: text[11],
        optionalBlocks: [],
      });
    }
  });

  it("unwrap(wrap) round-trips keys and header fields, versions B and D", async () => {
    const cases = [
      ["B", "DD7515F2BFC17F85CE48F3CA25CB21F6", "P0", "T", "E", "3F419E1CB7079442AA37474C2EFBF8B8"],
      [
        "D",
        "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6",
        "B1",
        "A",
        "X",
        "000102030405060708090A0B0C0D0E0F1011121314151617",
      ],
    ] as const;
    for (const [version, kbpk, usage, algorithm, mode, key] of cases) {
      const block = await line(
        "tr31",
        "wrap",
        "--kbpk",
        kbpk,
        "--key",
        key,
        "--usage",
        usage,
        "--algorithm",
        algorithm,
        "--mode",
        mode,
        "--version",
        version,
        "--key-version",
        "12",
        "--exportability",
        "E",
      );
      expect(block.slice(0, 16)).toBe(
        `${version}${String(block.length).padStart(4, "0")}${usage}${algorithm}${mode}12E0000`,
      );
      const opened = await json("tr31", "unwrap", "--kbpk", kbpk, "--block", block);
      expect(opened.key).toBe(key);
      const again = await line(
        "tr31",
        "wrap",
        "--kbpk",
        kbpk,
        "--key",
        key,
        "--usage",
        usage,
        "--algorithm",
        algorithm,
        "--mode",
        mode,
        "--version",
        version,
      );
      expect(again).not.toBe(block);
    }
  });

  it("bad input: tampered block, wrong KBPK, bad header field, version A", async () => {
    const v = V.tr31_unwrap![0]!;
    const text = v.key_block_text!;
    const tampered = `${text.slice(0, 20)}${text[20] === "0" ? "1" : "0"}${text.slice(21)}`;
    await rejected("mac", "tr31", "unwrap", "--kbpk", v.kbpk!, "--block", tampered);
    await rejected("MAC verification failed", "tr31", "unwrap", "--kbpk", "00".repeat(16), "--block", text);
    await rejected(
      "keyUsage",
      "tr31",
      "wrap",
      "--kbpk",
      v.kbpk!,
      "--key",
      v.expected_key!,
      "--usage",
      "p",
      "--algorithm",
      "T",
      "--mode",
      "E",
    );
    await rejected(
      "--version must be one of B, D",
      "tr31",
      "wrap",
      "--kbpk",
      v.kbpk!,
      "--key",
      v.expected_key!,
      "--usage",
      "P0",
      "--algorithm",
      "T",
      "--mode",
      "E",
      "--version",
      "A",
    );
    await rejected(
      "keyLength",
      "tr31",
      "wrap",
      "--kbpk",
      v.kbpk!,
      "--key",
      "00112233",
      "--usage",
      "P0",
      "--algorithm",
      "T",
      "--mode",
      "E",
    );
  });
});

describe("posctl crypto signin-keys", () => {
  // The dialect reference's worked example (code456.com): TMK, clear PIK/MAK and their 4-byte KCVs.
  const tmk = fromHex("CA5D92598DCA48CE8A4C76361A9269E9");
  const pik = fromHex("807A23AD32B36D457AE91FDF927570EA");
  const mak = fromHex("5BB5C72CD00B7338");
  const field62 = Buffer.concat([
    tdesEcbEncrypt(tmk, pik),
    fromHex("8D0A74B8"),
    tdesEcbEncrypt(tmk, mak),
    Buffer.alloc(8),
    fromHex("AB7153CA"),
  ]);

  it("the reference KCVs are the keys' own", () => {
    expect(toHex(kcvTdes(pik, 4))).toBe("8D0A74B8");
    expect(toHex(kcvTdes(mak, 4))).toBe("AB7153CA");
  });

  it("unwraps the 40-byte 003 layout of the dialect reference", async () => {
    expect(await json("signin-keys", "--tmk", toHex(tmk), "--field62", toHex(field62))).toEqual({
      layout: "003",
      pik: toHex(pik),
      mak: toHex(mak),
    });
    const text = await line("signin-keys", "--tmk", toHex(tmk), "--field62", toHex(field62));
    expect(text).toBe(`layout: 003\npik: ${toHex(pik)}\nmak: ${toHex(mak)}`);
  });

  it("unwraps the 60-byte 004 layout with a TDK and the 24-byte 001 layout", async () => {
    const tdk = fromHex("0123456789ABCDEFFEDCBA9876543210");
    const wrap = (key: Buffer) => Buffer.concat([tdesEcbEncrypt(tmk, key), kcvTdes(key, 4)]);
    const mak16 = Buffer.concat([mak, fromHex("1122334455667788")]);
    const f004 = Buffer.concat([wrap(pik), wrap(mak16), wrap(tdk)]);
    expect(await json("signin-keys", "--tmk", toHex(tmk), "--field62", toHex(f004))).toEqual({
      layout: "004",
      pik: toHex(pik),
      mak: toHex(mak16),
      tdk: toHex(tdk),
    });
    const pik8 = fromHex("1C2D3E4F5A6B7C8D");
    const f001 = Buffer.concat([wrap(pik8), wrap(mak)]);
    expect(await json("signin-keys", "--tmk", toHex(tmk), "--field62", toHex(f001))).toEqual({
      layout: "001",
      pik: toHex(pik8),
      mak: toHex(mak),
    });
  });

  it("any check value mismatch refuses the set, naming the key; wrong lengths are refused", async () => {
    const badMak = Buffer.from(field62);
    badMak[39]! ^= 0x01;
    await rejected(
      "field 62 MAK: check value does not match",
      "signin-keys",
      "--tmk",
      toHex(tmk),
      "--field62",
      toHex(badMak),
    );
    const badPik = Buffer.from(field62);
    badPik[16]! ^= 0x80;
    await rejected("field 62 PIK", "signin-keys", "--tmk", toHex(tmk), "--field62", toHex(badPik));
    await rejected("field 62 PIK", "signin-keys", "--tmk", "00".repeat(16), "--field62", toHex(field62));
    await rejected(
      "sign-in key field is 39 bytes",
      "signin-keys",
      "--tmk",
      toHex(tmk),
      "--field62",
      toHex(field62.subarray(1)),
    );
    await rejected("--tmk", "signin-keys", "--tmk", "CA5D9", "--field62", toHex(field62));
  });
});

describe("posctl crypto emv-keys", () => {
  it("ICC master key, options A and B (pyemv docstrings and HSM KCV chains)", async () => {
    for (const v of V.emv_icc_master_key!) {
      const expected = v.expected_icc_master_key ?? rc(v, "icc_master_key");
      const option = v.option!.toLowerCase();
      const keys = await json(
        "emv-keys",
        "--imk",
        v.issuer_master_key!,
        "--pan",
        v.pan!,
        "--psn",
        v.psn!,
        "--option",
        option,
      );
      expect(keys).toEqual({ iccMasterKey: expected });
      if (v.expected_icc_master_key_kcv) {
        expect(toHex(kcvTdes(fromHex(expected), 2))).toBe(v.expected_icc_master_key_kcv);
      }
    }
  });

  it("default option: A up to 16 digits, B above", async () => {
    const b17 = V.emv_icc_master_key!.find((e) => e.option === "B" && e.pan!.length === 17)!;
    const keys = await json(
      "emv-keys",
      "--imk",
      b17.issuer_master_key!,
      "--pan",
      b17.pan!,
      "--psn",
      b17.psn!,
    );
    expect(keys.iccMasterKey).toBe(b17.expected_icc_master_key ?? rc(b17, "icc_master_key"));
  });

  it("--atc adds the common session key (pyemv HSM chain with R = ATC 001C ‖ 00×6)", async () => {
    const v = V.emv_session_key!.find((e) => e.r === "001C000000000000" && e.issuer_master_key)!;
    const keys = await json(
      "emv-keys",
      "--imk",
      v.issuer_master_key!,
      "--pan",
      v.pan!,
      "--psn",
      v.psn!,
      "--option",
      "b",
      "--atc",
      "001C",
    );
    expect(keys).toEqual({ iccMasterKey: rc(v, "icc_master_key"), sessionKey: rc(v, "session_key") });
    expect(toHex(kcvTdes(fromHex(String(keys.sessionKey)), 2))).toBe(v.expected_session_key_kcv);
  });

  it("--session mastercard (with --un) and visa follow the library's derivations", async () => {
    const imk = "0123456789ABCDEFFEDCBA9876543210";
    const mk = deriveIccMasterKeyOptionA(fromHex(imk), "9901234567890123", "45");
    const common = ["--imk", imk, "--pan", "9901234567890123", "--psn", "45", "--atc", "0001"];
    const mc = await json("emv-keys", ...common, "--session", "mastercard", "--un", "3804823E");
    expect(mc.sessionKey).toBe(toHex(deriveMastercardSessionKey(mk, fromHex("0001"), fromHex("3804823E"))));
    const visa = await json("emv-keys", ...common, "--session", "visa");
    expect(visa.sessionKey).toBe(toHex(deriveVisaSmSessionKey(mk, fromHex("0001"))));
  });

  it("bad input: PSN, PAN, --un/--session without what they need, ATC length", async () => {
    const base = ["emv-keys", "--imk", "0123456789ABCDEFFEDCBA9876543210", "--pan", "4111111111111111"];
    await rejected("psn", ...base, "--psn", "1");
    await rejected(
      "pan",
      "emv-keys",
      "--imk",
      "0123456789ABCDEFFEDCBA9876543210",
      "--pan",
      "41111x",
      "--psn",
      "00",
    );
    await rejected(
      "--un applies only to --session mastercard",
      ...base,
      "--psn",
      "00",
      "--atc",
      "0001",
      "--un",
      "00000000",
    );
    await rejected(
      "--session mastercard needs --un",
      ...base,
      "--psn",
      "00",
      "--atc",
      "0001",
      "--session",
      "mastercard",
    );
    await rejected("--session needs --atc", ...base, "--psn", "00", "--session", "visa");
    await rejected("--atc must be 2 bytes", ...base, "--psn", "00", "--atc", "000001");
    await rejected(
      "--imk must be 16 bytes",
      "emv-keys",
      "--imk",
      "0123456789ABCDEF",
      "--pan",
      "4111111111111111",
      "--psn",
      "00",
    );
    await rejected("--option must be one of a, b", ...base, "--psn", "00", "--option", "c");
  });
});

describe("posctl crypto arqc and arpc", () => {
  it("arqc: the pyemv cryptograms under given and chained session keys, pads 1 and 2", async () => {
    for (const v of V.emv_application_cryptogram!) {
      const sk = v.session_key ?? rc(v, "session_key");
      expect(await line("arqc", "--key", sk, "--data", v.data!, "--pad", String(v.padding))).toBe(
        v.expected_ac,
      );
    }
    const first = V.emv_application_cryptogram![0]!;
    expect(await line("arqc", "--key", first.session_key!, "--data", first.data!)).toBe(first.expected_ac);
  });

  // crypto-public.json has no ARPC group: pyemv's docstring answers (pyemv/ac.py), as in the library's tests.
  it("arpc method 1 and 2 (pyemv docstrings)", async () => {
    const key = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB";
    expect(
      await line("arpc", "--method", "1", "--key", key, "--arqc", "1234567890ABCDEF", "--arc", "0000"),
    ).toBe("F5E6F44147E2F1B0");
    expect(
      await line("arpc", "--method", "2", "--key", key, "--arqc", "1234567890ABCDEF", "--csu", "00000000"),
    ).toBe("9308BEBC");
  });

  it("arpc over the chain IMK → option A MK → ARQC (pyemv HSM), with and without proprietary data", async () => {
    const chain = V.emv_application_cryptogram!.find((e) => e.expected_ac === "4B46013359B7A58B")!;
    const mk = rc(chain, "icc_master_key");
    expect(
      await line("arpc", "--method", "1", "--key", mk, "--arqc", chain.expected_ac!, "--arc", "0000"),
    ).toBe("F8C9CECAABD55AD1");
    const sk = rc(chain, "session_key");
    const base = ["arpc", "--method", "2", "--key", sk, "--arqc", chain.expected_ac!, "--csu", "00000000"];
    expect(await line(...base, "--proprietary", "1234567890ABCDEF")).toBe("4962B76C");
    expect(await line(...base)).toBe("7DFB1188");
  });

  it("bad input: flags of the other method, lengths, padding", async () => {
    const key = "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB";
    await rejected(
      "--csu applies only to --method 2",
      "arpc",
      "--method",
      "1",
      "--key",
      key,
      "--arqc",
      "1234567890ABCDEF",
      "--arc",
      "0000",
      "--csu",
      "00000000",
    );
    await rejected(
      "--arc applies only to --method 1",
      "arpc",
      "--method",
      "2",
      "--key",
      key,
      "--arqc",
      "1234567890ABCDEF",
      "--arc",
      "0000",
    );
    await rejected("missing --arc", "arpc", "--method", "1", "--key", key, "--arqc", "1234567890ABCDEF");
    await rejected("missing --csu", "arpc", "--method", "2", "--key", key, "--arqc", "1234567890ABCDEF");
    await rejected(
      "--arqc must be 8 bytes",
      "arpc",
      "--method",
      "1",
      "--key",
      key,
      "--arqc",
      "1234",
      "--arc",
      "0000",
    );
    await rejected(
      "--proprietary must be",
      "arpc",
      "--method",
      "2",
      "--key",
      key,
      "--arqc",
      "1234567890ABCDEF",
      "--csu",
      "00000000",
      "--proprietary",
      "00".repeat(9),
    );
    await rejected(
      "--method must be one of 1, 2",
      "arpc",
      "--method",
      "3",
      "--key",
      key,
      "--arqc",
      "1234567890ABCDEF",
    );
    await rejected("--key must be 16 bytes", "arqc", "--key", "AAAAAAAAAAAAAAAA", "--data", "00");
    await rejected("--pad must be one of 1, 2", "arqc", "--key", key, "--data", "00", "--pad", "3");
  });
});
