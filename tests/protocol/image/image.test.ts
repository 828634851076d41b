import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ArchiveEntry,
  encodeManifest,
  IMAGE_MAGIC,
  ImageError,
  type ManifestInput,
  packArchive,
  parseImage,
  prepareImage,
  sealImage,
  unpackArchive,
} from "../../../protocol/image/index.js";

const FIELDS: ManifestInput = {
  name: "pos-terminal-firmware",
  version: "1.2.3",
  arch: "linux-arm64",
  createdAt: "2026-11-23T14:00:00.000Z",
  signatureAlgorithm: "ecdsa-p256-sha256",
  keyId: "0123456789abcdef",
};

const FILES: ArchiveEntry[] = [
  { path: "tools/posctl/main.js", mode: 0o755, data: Buffer.from("#!/usr/bin/env node\n") },
  { path: "protocol/hex.js", mode: 0o644, data: Buffer.from("export {};\n") },
  { path: "empty.txt", mode: 0o600, data: Buffer.alloc(0) },
];

function build(fields = FIELDS, files = FILES, signature = Buffer.alloc(71, 0x30)): Buffer {
  return sealImage(prepareImage(fields, packArchive(files)), signature);
}

/** Runs `fn` and returns the ImageError it throws (failing on anything else). */
function imageError(fn: () => unknown): ImageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return error as ImageError;
  }
  throw new Error("expected an ImageError");
}

describe("image layout", () => {
  it("starts with the magic and the manifest length, and round-trips", () => {
    const bytes = build();
    expect(bytes.subarray(0, 8)).toEqual(IMAGE_MAGIC);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("POSIMG1\0");
    const image = parseImage(bytes);
    expect(image.manifest).toMatchObject(FIELDS);
    expect(image.manifest.payloadLength).toBe(image.payload.length);
    expect(bytes.readUInt32BE(8)).toBe(image.manifestBytes.length);
    expect(unpackArchive(image.payload)).toEqual(FILES);
    expect(image.signature).toEqual(Buffer.alloc(71, 0x30));
  });

  it("signs header ‖ manifest ‖ SHA-256(payload), the same bytes on both sides", () => {
    const unsigned = prepareImage(FIELDS, packArchive(FILES));
    const parsed = parseImage(sealImage(unsigned, Buffer.from([1])));
    expect(parsed.signedMessage).toEqual(unsigned.signedMessage);
    expect(unsigned.signedMessage.length).toBe(12 + unsigned.manifestBytes.length + 32);
    expect(unsigned.signedMessage.subarray(-32).toString("hex")).toBe(unsigned.manifest.payloadSha256);
  });

  it("names the field or offset at fault", () => {
    const bytes = build();
    expect(imageError(() => parseImage(Buffer.from("NOTANIMG........"))).path).toBe("magic");
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 80]! ^= 1; // inside the payload
    expect(imageError(() => parseImage(corrupt)).path).toBe("manifest.payloadSha256");
    const trailing = Buffer.concat([bytes, Buffer.from([0])]);
    const e = imageError(() => parseImage(trailing));
    expect(e.path).toBe("image");
    expect(e.offset).toBe(bytes.length);
    const hugeManifest = Buffer.from(bytes);
    hugeManifest.writeUInt32BE(0xffffffff, 8);
    expect(imageError(() => parseImage(hugeManifest)).message).toMatch(/manifestLength, offset 8/);
  });

  it("refuses a manifest with a bad or extra field, naming it", () => {
    const unsigned = prepareImage(FIELDS, packArchive(FILES));
    const relabel = (manifest: object): Buffer => {
      const json = Buffer.from(JSON.stringify(manifest));
      const header = Buffer.from(unsigned.header);
      header.writeUInt32BE(json.length, 8);
      return Buffer.concat([header, json, unsigned.payload, Buffer.from([0, 1, 9])]);
    };
    const m = unsigned.manifest;
    expect(imageError(() => parseImage(relabel({ ...m, version: "1.2" }))).path).toBe("manifest.version");
    expect(imageError(() => parseImage(relabel({ ...m, arch: "ARM" }))).path).toBe("manifest.arch");
    expect(imageError(() => parseImage(relabel({ ...m, signatureAlgorithm: "md5" }))).path).toBe(
      "manifest.signatureAlgorithm",
    );
    expect(imageError(() => parseImage(relabel({ ...m, keyId: "XYZ" }))).path).toBe("manifest.keyId");
    expect(imageError(() => parseImage(relabel({ ...m, extra: 1 }))).path).toBe("manifest.extra");
    expect(imageError(() => parseImage(relabel({ ...m, payloadLength: -1 }))).path).toBe(
      "manifest.payloadLength",
    );
    // Same fields in another order: not canonical, so not signable twice.
    const { name, ...rest } = m;
    expect(imageError(() => parseImage(relabel({ ...rest, name }))).message).toMatch(/canonical/);
    expect(encodeManifest(m)).toEqual(unsigned.manifestBytes);
  });

  it("throws only ImageError for every truncation of an image", () => {
    const bytes = build();
    for (let n = 0; n < bytes.length; n++) imageError(() => parseImage(bytes.subarray(0, n)));
  });
});

const path = fc
  .array(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((s) => s !== "." && s !== ".."),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((segments) => segments.join("/"));
const entries = fc
  .uniqueArray(path, { maxLength: 8 })
  .filter((paths) => !paths.some((p) => paths.some((q) => q.startsWith(`${p}/`))))
  .chain((paths) =>
    fc.tuple(
      ...paths.map((p) =>
        fc.record({
          path: fc.constant(p),
          mode: fc.integer({ min: 0, max: 0o777 }),
          data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
        }),
      ),
    ),
  );
const fields = fc.record({
  name: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  version: fc
    .tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.option(fc.constantFrom("rc.1", "beta", "alpha.2")))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`),
  arch: fc.constantFrom("linux-arm64", "linux-x64", "linux-arm"),
  createdAt: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  signatureAlgorithm: fc.constantFrom("ecdsa-p256-sha256" as const, "rsa-pss-sha256" as const),
  keyId: fc.stringMatching(/^[0-9a-f]{16}$/),
});

describe("image properties", () => {
  it("parse(build(x)) gives x back", () => {
    fc.assert(
      fc.property(fields, entries, fc.uint8Array({ minLength: 1, maxLength: 512 }), (f, files, sig) => {
        const image = parseImage(sealImage(prepareImage(f, packArchive(files)), sig));
        expect(image.manifest).toMatchObject(f);
        expect(unpackArchive(image.payload)).toEqual(files);
        expect(image.signature).toEqual(Buffer.from(sig));
      }),
      { seed: 0x1a6e, numRuns: 200 },
    );
  });

  it("random bytes, random truncations and random bit flips only ever throw ImageError", () => {
    const valid = build();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.concat([IMAGE_MAGIC, Buffer.from(a)])),
          fc.nat(valid.length - 1).map((n) => valid.subarray(0, n)),
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const copy = Buffer.from(valid);
            copy[i]! ^= x;
            return copy;
          }),
        ),
        (bytes) => {
          try {
            parseImage(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ImageError);
          }
        },
      ),
      { seed: 0xf00d, numRuns: 1000 },
    );
  });
});
