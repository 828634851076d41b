import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkArchivePath, ImageError, packArchive, unpackArchive } from "../../../protocol/image/index.js";

const file = (path: string, data = "x") => ({ path, mode: 0o644, data: Buffer.from(data) });

describe("payload archive", () => {
  it("lays out count, path length, path, mode, length, bytes", () => {
    const bytes = packArchive([{ path: "a.js", mode: 0o755, data: Buffer.from("hi") }]);
    expect(bytes.toString("hex")).toBe(
      `00000001 0004 ${Buffer.from("a.js").toString("hex")} 000001ed 00000002 6869`.replaceAll(" ", ""),
    );
    expect(unpackArchive(bytes)).toEqual([{ path: "a.js", mode: 0o755, data: Buffer.from("hi") }]);
  });

  it.each([
    ["/etc/passwd", "absolute"],
    ["../boot.json", "'..'"],
    ["lib/../../x", "'..'"],
    ["./x", "'.'"],
    ["a//b", "empty"],
    ["a/", "empty"],
    ["", "empty"],
    ["C:/x", "absolute"],
    ["a\\..\\b", "backslash"],
    ["a\0b", "NUL"],
  ])("refuses the path %j", (path, why) => {
    expect(() => checkArchivePath(path)).toThrow(ImageError);
    expect(() => checkArchivePath(path)).toThrow(why);
    expect(() => packArchive([file(path)])).toThrow(ImageError);
  });

  it("refuses a crafted archive with a traversal path, naming the entry and offset", () => {
    const good = packArchive([file("xx/evil")]);
    good.write("..", 6, "latin1"); // "xx/evil" → "../evil"
    expect(() => unpackArchive(good)).toThrow(/payload\.entry\[0\]\.path, offset 6/);
  });

  it("refuses duplicates and a file used as a directory", () => {
    expect(() => packArchive([file("a"), file("a")])).toThrow(/duplicate/);
    expect(() => packArchive([file("lib"), file("lib/x.js")])).toThrow(/both a file and a directory/);
    const dup = Buffer.concat([packArchive([file("a")]), packArchive([file("a")]).subarray(4)]);
    dup.writeUInt32BE(2, 0);
    expect(() => unpackArchive(dup)).toThrow(/duplicate/);
  });

  it("refuses modes outside the permission bits", () => {
    expect(() => packArchive([{ path: "a", mode: 0o4755, data: Buffer.alloc(0) }])).toThrow(/mode/);
  });

  it("never trusts a count or a length beyond the buffer", () => {
    const bytes = packArchive([file("a", "hello")]);
    const lying = Buffer.from(bytes);
    lying.writeUInt32BE(0xffffffff, 0);
    expect(() => unpackArchive(lying)).toThrow(/payload\.count/);
    const longData = Buffer.from(bytes);
    longData.writeUInt32BE(0xfffffff0, 4 + 2 + 1 + 4); // count, path length, "a", mode
    expect(() => unpackArchive(longData)).toThrow(/payload\.entry\[0\]\.data/);
    for (let n = 0; n < bytes.length; n++)
      expect(() => unpackArchive(bytes.subarray(0, n))).toThrow(ImageError);
  });

  it("random input only ever throws ImageError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          unpackArchive(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ImageError);
        }
      }),
      { seed: 0xa7c, numRuns: 1000 },
    );
  });
});
