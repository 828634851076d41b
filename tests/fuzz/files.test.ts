import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { ConfigError } from "../../firmware/config/config-error.js";
import { serializeSettings } from "../../firmware/config/serialize-settings.js";
import { parseTerminalSettings } from "../../firmware/config/terminal-settings.js";
import { UpdateError } from "../../firmware/update/update-error.js";
import { verifyImage } from "../../firmware/update/verify-image.js";
import { CryptoError } from "../../protocol/crypto/crypto-error.js";
import { parseTr31Header } from "../../protocol/crypto/tr31/header.js";
import { Tr31Error } from "../../protocol/crypto/tr31/tr31-error.js";
import { unwrapTr31 } from "../../protocol/crypto/tr31/unwrap.js";
import { wrapTr31 } from "../../protocol/crypto/tr31/wrap.js";
import { CapkStore, EmvDataError } from "../../protocol/emv/index.js";
import {
  ImageError,
  packArchive,
  parseImage,
  prepareImage,
  sealImage,
  unpackArchive,
} from "../../protocol/image/index.js";
import { KeyLoadError, kbpkFromHexBytes, parseKeyLoadingFile } from "../../tools/keys/index.js";
import { parseCardProfiles } from "../../tools/rig/card-profiles.js";
import { RigDataError } from "../../tools/rig/rig-error.js";
import { ecKey, image as signedImage } from "../firmware/update/update-fixtures.js";
import {
  fuzz,
  largeBytes,
  largeText,
  mutated,
  mutatedJson,
  mutatedJsonText,
  mutatedText,
  printFuzzTable,
  randomBytes,
  randomText,
} from "./support/fuzz.js";

/** Files from outside: firmware images, the terminal config, rig card profiles, key files and TR-31, CAPKs. */

afterAll(() => printFuzzTable("files"));

const randomJson = fc.jsonValue({ maxDepth: 4 });

describe("fuzz firmware images", () => {
  const files = fc.array(
    fc.record({
      path: fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}\.js$/),
      mode: fc.constantFrom(0o644, 0o755, 0o600),
      data: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    }),
    { minLength: 1, maxLength: 4 },
  );
  const unique = files.filter((f) => new Set(f.map((e) => e.path)).size === f.length);
  const image = fc.tuple(unique, fc.uint8Array({ minLength: 1, maxLength: 80 })).map(([entries, signature]) =>
    sealImage(
      prepareImage(
        {
          name: "pos-terminal-firmware",
          version: "1.2.3",
          arch: "linux-arm64",
          createdAt: "2026-11-23T14:00:00.000Z",
          signatureAlgorithm: "ecdsa-p256-sha256",
          keyId: "0123456789abcdef",
        },
        packArchive(entries),
      ),
      signature,
    ),
  );

  it("parseImage and unpackArchive: random, mutated (manifest length corrupted too), structured", () => {
    fuzz({
      parser: "firmware image parseImage",
      seed: 501,
      budget: 1000,
      families: [
        {
          name: "random",
          input: fc.oneof(
            randomBytes(300),
            randomBytes(300).map((b) => Buffer.concat([Buffer.from("POSIMG1\0"), b])),
          ),
        },
        { name: "mutated", input: mutated(image, { offset: 8, size: 4, encoding: "be" }), weight: 2 },
        { name: "structured", input: image },
        { name: "large", input: largeBytes(image), weight: 0.01 },
      ],
      parse: (bytes) => {
        const parsed = parseImage(bytes);
        return { parsed, entries: unpackArchive(parsed.payload) };
      },
      errors: [ImageError],
    });
    fuzz({
      parser: "firmware archive unpackArchive",
      seed: 502,
      budget: 800,
      families: [
        { name: "random", input: randomBytes(300) },
        { name: "mutated", input: mutated(unique.map(packArchive)) },
        { name: "structured", input: unique.map(packArchive) },
      ],
      parse: unpackArchive,
      errors: [ImageError],
      build: packArchive,
    });
  });

  it("verifyImage (firmware/update): mutated signed images only ever give UpdateError", () => {
    const key = ecKey();
    const good = signedImage("1.2.3", key);
    fuzz({
      parser: "firmware verifyImage",
      seed: 503,
      budget: 400,
      families: [
        { name: "random", input: randomBytes(300) },
        {
          name: "mutated",
          input: mutated(fc.constant(good), { offset: 8, size: 4, encoding: "be" }),
          weight: 3,
        },
        { name: "structured", input: fc.constant(good), weight: 0.05 },
      ],
      parse: (bytes) => verifyImage(bytes, [key.trusted]),
      errors: [UpdateError],
    });
  });
});

describe("fuzz terminal config", () => {
  const example = JSON.parse(
    readFileSync(new URL("../../firmware/config/terminal.example.json", import.meta.url), "utf8"),
  ) as unknown;
  it("parseTerminalSettings: random JSON, mutated documents and texts (parse(build(x)) = x)", () => {
    fuzz({
      parser: "config parseTerminalSettings",
      seed: 511,
      budget: 600,
      families: [
        { name: "random", input: randomJson },
        { name: "mutated", input: mutatedJson(fc.constant(example)), weight: 2 },
        { name: "mutated-text", input: mutatedJsonText(fc.constant(example)) },
        { name: "structured", input: fc.constant(example), weight: 0.05 },
      ],
      parse: (json) => parseTerminalSettings(json, "fuzz.json"),
      errors: [ConfigError],
      build: (settings) => JSON.parse(serializeSettings(settings)) as unknown,
    });
  });
});

describe("fuzz rig card profiles", () => {
  const hex = (min: number, max: number) =>
    fc
      .uint8Array({ minLength: min, maxLength: max })
      .map((b) => Buffer.from(b).toString("hex").toUpperCase());
  const profile = fc.record(
    {
      name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/),
      atr: fc.constant("3BE000FF81317C4192"),
      contactless: fc.record({ uid: hex(4, 4), atqa: hex(2, 2), sak: fc.nat(255), ats: hex(1, 20) }),
      tracks: fc.constant({ track2: "6212345678901234=31122011234567890" }),
      responses: fc.dictionary(hex(1, 8), hex(2, 40), { maxKeys: 3 }),
    },
    { requiredKeys: ["name"] },
  );
  const file = fc.uniqueArray(profile, { minLength: 1, maxLength: 3, selector: (p) => p.name });
  it("parseCardProfiles: random JSON, mutated documents and texts", () => {
    fuzz({
      parser: "rig card profiles",
      seed: 521,
      budget: 800,
      families: [
        { name: "random", input: randomJson },
        { name: "mutated", input: mutatedJson(file), weight: 2 },
        { name: "mutated-text", input: mutatedJsonText(file) },
        { name: "structured", input: file },
      ],
      parse: (json) => parseCardProfiles(json, "fuzz-cards.json"),
      errors: [RigDataError],
    });
  });
});

describe("fuzz key files and TR-31 key blocks", () => {
  const kbpk = Buffer.from("0123456789ABCDEFFEDCBA9876543210", "hex");
  const block = fc
    .record({
      version: fc.constantFrom("B" as const, "D" as const),
      keyUsage: fc.constantFrom("P0", "K0", "B1", "M3"),
      key: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b)),
      random: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
      // (the padding source is asked for n bytes; it hands out the first n of these)
    })
    .map(({ version, keyUsage, key, random }) =>
      wrapTr31(
        version === "B" ? kbpk : Buffer.concat([kbpk, kbpk]),
        { version, keyUsage, algorithm: version === "B" ? "T" : "A", modeOfUse: "N", exportability: "N" },
        key,
        { random: (n: number) => random.subarray(0, n) },
      ),
    );

  it("TR-31 header and unwrap: random, mutated, structured", () => {
    fuzz({
      parser: "TR-31 parseTr31Header",
      seed: 531,
      budget: 800,
      families: [
        { name: "random", input: randomText(120) },
        { name: "mutated", input: mutatedText(block, { offset: 1, size: 4, encoding: "ascii" }), weight: 2 },
        { name: "structured", input: block },
        { name: "large", input: largeText(), weight: 0.01 },
      ],
      parse: parseTr31Header,
      errors: [Tr31Error],
    });
    fuzz({
      parser: "TR-31 unwrapTr31",
      seed: 532,
      budget: 800,
      families: [
        { name: "random", input: randomText(120) },
        { name: "mutated", input: mutatedText(block, { offset: 1, size: 4, encoding: "ascii" }), weight: 2 },
        { name: "structured", input: block },
      ],
      parse: (b) => {
        const out = unwrapTr31(b.startsWith("D") ? Buffer.concat([kbpk, kbpk]) : kbpk, b);
        out.key.fill(0);
        return out.header;
      },
      errors: [Tr31Error, CryptoError],
    });
  });

  it("key-loading file and KBPK file", () => {
    const loading = fc.record({
      terminalId: fc.stringMatching(/^[0-9A-Z]{8}$/),
      blocks: fc.tuple(block).map(([tr31]) => [{ slot: "tmk", tr31, kcv: "0A1B2C" }]),
    });
    fuzz({
      parser: "key-loading file",
      seed: 533,
      budget: 800,
      families: [
        { name: "random", input: randomJson },
        { name: "mutated", input: mutatedJson(loading), weight: 2 },
        { name: "mutated-text", input: mutatedJsonText(loading) },
        { name: "structured", input: loading },
      ],
      parse: (json) => parseKeyLoadingFile(json, "fuzz-keys.json"),
      errors: [KeyLoadError],
    });
    const kbpkText = fc
      .uint8Array({ minLength: 16, maxLength: 32 })
      .map((b) => Buffer.from(` ${Buffer.from(b).toString("hex").toUpperCase()}\n`, "latin1"));
    fuzz({
      parser: "KBPK file",
      seed: 534,
      budget: 600,
      families: [
        { name: "random", input: randomBytes(80) },
        { name: "mutated", input: mutated(kbpkText) },
        { name: "structured", input: kbpkText },
      ],
      parse: (bytes) => {
        const key = kbpkFromHexBytes(bytes);
        const length = key.length;
        key.fill(0);
        return length;
      },
      errors: [KeyLoadError],
    });
  });
});

describe("fuzz CAPK JSON", () => {
  const capks = readFileSync(new URL("../../tools/rig/cards/emv/test-capks.json", import.meta.url), "utf8");
  const sample = JSON.parse(capks) as unknown[];
  const subset = fc.subarray(sample, { minLength: 1 });
  it("CapkStore.fromJson: random text/JSON, mutated documents and texts, structured", () => {
    fuzz({
      parser: "CAPK CapkStore.fromJson",
      seed: 541,
      budget: 800,
      families: [
        { name: "random", input: fc.oneof(randomText(200), randomJson) },
        { name: "mutated", input: mutatedJson(subset), weight: 2 },
        { name: "mutated-text", input: mutatedText(subset.map((s) => JSON.stringify(s))) },
        { name: "structured", input: subset.map((s) => JSON.stringify(s)) },
      ],
      parse: (json: unknown) => CapkStore.fromJson(json).list(),
      errors: [EmvDataError],
    });
  });
});
