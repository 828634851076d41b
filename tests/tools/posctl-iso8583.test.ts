import { describe, expect, it } from "vitest";
import { posctl, resetExitCode } from "../support/posctl.js";
import { loadVectors } from "../support/vectors.js";

const vectors = loadVectors<{ name: string; hex: string }[]>("iso8583-cup-public.json");
const vector = (name: string) => vectors.find((v) => v.name === name)!.hex;

/** Runs `posctl iso8583 …` in-process through the real program; `code` is undefined on success. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  const { stdout, stderr, exitCode } = await posctl("iso8583", ...args);
  return { out: stdout, err: stderr, code: exitCode === 0 ? undefined : exitCode };
}

resetExitCode();

describe("posctl iso8583", () => {
  it("decode prints the message JSON with ascending decimal keys and a parsed view", async () => {
    const { out, code } = await run("decode", vector("cup-0800-signin-minimal-jspos"));
    expect(code).toBeUndefined();
    expect(
      out.startsWith(
        '{"mti":"0800","fields":{"11":"000105","41":"00000764","42":"111000001111002","60":"00000001003","63":"001"}',
      ),
    ).toBe(true);
    const json = JSON.parse(out);
    expect(json.parsed["60"]).toEqual({ txnType: "00", batch: "000001", netMgmtCode: "003" });
    expect(json.parsed["63"]).toEqual({ code: "001" });
  });

  it("decode --frame adds tpdu and header; encode --frame gives the same bytes back", async () => {
    const hex = vector("cup-0200-sale-request-j-iso8583");
    const decoded = await run("decode", "--frame", hex);
    const json = JSON.parse(decoded.out);
    expect(json.tpdu).toBe("6000030000");
    expect(json.header).toBe("603100011001");
    expect(Object.keys(json.fields)).toEqual([
      "3",
      "4",
      "11",
      "22",
      "25",
      "26",
      "35",
      "36",
      "41",
      "42",
      "49",
      "52",
      "53",
      "60",
      "64",
    ]);
    const encoded = await run("encode", "--frame", decoded.out.trim());
    expect(encoded.out.trim()).toBe(hex);
  });

  it("every public frame and message round-trips through decode and encode", async () => {
    for (const v of vectors.filter((x) => !x.name.includes("mac"))) {
      const framed = v.hex.slice(4, 6) === "60";
      const flag = framed ? ["--frame"] : [];
      const decoded = await run("decode", ...flag, v.hex);
      const encoded = await run("encode", ...flag, decoded.out.trim());
      expect(encoded.out.trim()).toBe(v.hex);
    }
  });

  it("decode --describe prints the masked dump", async () => {
    const { out } = await run("decode", "--frame", "--describe", vector("cup-0200-sale-request-j-iso8583"));
    expect(out).toContain("TPDU 6000030000");
    expect(out).toContain("622609******8388D[");
    expect(out).toContain("[PIN block hidden, 8 bytes]");
    expect(out).not.toContain("60D894D6F4978EF5");
    const raw = await run("decode", "--describe", "--raw", vector("cup-0800-signin-minimal-jspos"));
    expect(raw.out).toMatch(/@36 \(8 bytes\): 0011 \| 000000010030/);
  });

  it("encode without --frame prints uppercase hex", async () => {
    const { out } = await run("encode", '{"mti":"0800","fields":{"11":"000105","63":"001"}}');
    expect(out.trim()).toBe("08000020000000000002000105000330303" + "1");
  });

  const bad: [string, string[], RegExp][] = [
    ["bad hex", ["decode", "08G0"], /hex, offset 2/],
    ["short message", ["decode", "0800002000000000000000"], /field 11, offset 10: short frame/],
    ["frame length mismatch", ["decode", "--frame", "0005600003000060"], /frame.length, offset 0/],
    ["bad JSON", ["encode", "{"], /message JSON is not valid JSON/],
    [
      "value too long",
      ["encode", '{"mti":"0200","fields":{"2":"12345678901234567890"}}'],
      /field 2: value too long/,
    ],
    ["no fields", ["encode", '{"mti":"0200"}'], /fields/],
    ["frame without tpdu", ["encode", "--frame", '{"mti":"0200","fields":{}}'], /tpdu/],
    [
      "bad header",
      ["encode", "--frame", '{"tpdu":"6000030000","header":"60","mti":"0200","fields":{}}'],
      /header.digits/,
    ],
  ];
  for (const [name, args, message] of bad) {
    it(`bad input exits 2 with one line: ${name}`, async () => {
      const { out, err, code } = await run(...args);
      expect(code).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(message);
      expect(err.trim().split("\n")).toHaveLength(1);
    });
  }
});
