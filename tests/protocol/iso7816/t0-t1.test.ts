import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../protocol/hex.js";
import {
  decodeT1Block,
  encodeT1Block,
  Iso7816Error,
  T0Error,
  T0Exchange,
  T1Error,
  T1Host,
  toT0Tpdu,
} from "../../../protocol/iso7816/index.js";
import { T0CardAdapter, T1CardAdapter } from "../../../tools/rig/emulators/contact-reader/index.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";

const hex = (s: string) => Buffer.from(s, "hex");

describe("T=0 TPDU rules (emv_ttl_trx)", () => {
  it("TPDU per case: P3 = 00, Le, or Lc + data without Le", () => {
    expect(toHex(toT0Tpdu({ cla: 0, ins: 0x70, p1: 0, p2: 0 }))).toBe("0070000000");
    expect(toHex(toT0Tpdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 256 }))).toBe("0084000000");
    expect(toHex(toT0Tpdu({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: hex("AABB"), le: 256 }))).toBe(
      "00A4040002AABB",
    );
  });

  it("61xx → GET RESPONSE with Le = xx; chained data gathered", () => {
    const x = new T0Exchange(hex("00A4040002AABB00"));
    expect(toHex(x.first())).toBe("00A4040002AABB");
    expect(x.onResponse(hex("6104"))).toEqual({ type: "send", tpdu: hex("00C0000004") });
    expect(x.onResponse(hex("01026102"))).toEqual({ type: "send", tpdu: hex("00C0000002") });
    expect(x.onResponse(hex("03049000"))).toEqual({
      type: "done",
      response: { data: hex("01020304"), sw: 0x9000 },
    });
  });

  it("6Cxx → same header with P3 = xx", () => {
    const x = new T0Exchange(hex("0084000000"));
    expect(x.onResponse(hex("6C08"))).toEqual({ type: "send", tpdu: hex("0084000008") });
    expect(x.onResponse(hex("01020304050607089000")).type).toBe("done");
  });

  it("case 4 with a warning and no data: GET RESPONSE Le 00, first SW reported (EMV A7)", () => {
    const x = new T0Exchange(hex("00B2010C0101" + "00"));
    expect(x.onResponse(hex("6283"))).toEqual({ type: "send", tpdu: hex("00C0000000") });
    expect(x.onResponse(hex("6C03"))).toEqual({ type: "send", tpdu: hex("00C0000003") });
    expect(x.onResponse(hex("AABBCC9000"))).toEqual({
      type: "done",
      response: { data: hex("AABBCC"), sw: 0x6283 },
    });
  });

  it("errors: 6Cxx to a command with data; endless 61xx", () => {
    expect(() => new T0Exchange(hex("00D6000001AA")).onResponse(hex("6C01"))).toThrow(T0Error);
    const x = new T0Exchange(hex("0084000000"), { maxRounds: 3 });
    expect(() => {
      for (let i = 0; i < 5; i++) x.onResponse(hex("6101"));
    }).toThrow(/no final status/);
  });

  it("property: host T0Exchange against the emulated T=0 card returns what the card answers", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 256 }),
        fc.constantFrom(0x9000, 0x6283, 0x6a82),
        fc.integer({ min: 1, max: 256 }),
        fc.boolean(),
        (answer, sw, chunk, withData) => {
          const response = Buffer.concat([answer, Buffer.from([sw >> 8, sw & 0xff])]);
          const card = new ScriptedCard({ name: "p", responses: { "80CA": response.toString("hex") } });
          const adapter = new T0CardAdapter(card, chunk);
          const apdu = withData ? hex("80CA000001AA00") : hex("80CA000000");
          const x = new T0Exchange(apdu);
          let step = x.onResponse(adapter.handle(x.first()));
          for (let i = 0; step.type === "send" && i < 600; i++)
            step = x.onResponse(adapter.handle(step.tpdu));
          expect(step.type).toBe("done");
          if (step.type !== "done") return;
          // A T=0 card drops response data behind an error SW when the command carried data.
          const data = sw === 0x6a82 && withData ? "" : toHex(Buffer.from(answer));
          expect({ data: toHex(step.response.data), sw: step.response.sw }).toEqual({ data, sw });
        },
      ),
      { seed: 61, numRuns: 200 },
    );
  });
});

describe("T=1 blocks (proto-t1.h)", () => {
  it("byte vectors: I, R, S(WTX) blocks with LRC", () => {
    expect(toHex(encodeT1Block({ kind: "I", nad: 0, ns: 0, more: false, inf: hex("00A4") }))).toBe(
      "000002" + "00A4" + "A6",
    );
    expect(toHex(encodeT1Block({ kind: "I", nad: 0, ns: 1, more: true, inf: hex("01") }))).toBe("0060010160");
    expect(toHex(encodeT1Block({ kind: "R", nad: 0, nr: 1, error: 0 }))).toBe("00900090");
    expect(toHex(encodeT1Block({ kind: "S", nad: 0, type: "wtx", response: false, inf: hex("02") }))).toBe(
      "00C30102C0",
    );
    expect(decodeT1Block(hex("00E30102E0"))).toMatchObject({ kind: "S", type: "wtx", response: true });
    expect(() => decodeT1Block(hex("00900091"))).toThrow(/EDC/);
  });

  it("property: host ↔ card chaining with any IFSC/IFSD returns the card's answer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 260 }),
        fc.uint8Array({ maxLength: 256 }),
        fc.integer({ min: 1, max: 254 }),
        fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        (command, answer, ifsc, wtx) => {
          const response = Buffer.concat([answer, hex("9000")]);
          const card = new ScriptedCard({ name: "t1", responses: { "": response.toString("hex") } });
          const adapter = new T1CardAdapter(card);
          adapter.wtxBeforeAnswer = wtx;
          const host = new T1Host({ ifsc });
          for (let apdu = 0; apdu < 2; apdu++) {
            let step = host.begin(command);
            for (let i = 0; step.type === "send" && i < 1000; i++)
              step = host.onBlock(adapter.handle(step.block));
            expect(step.type === "done" && toHex(step.response)).toBe(toHex(response));
          }
        },
      ),
      { seed: 1, numRuns: 150 },
    );
  });

  it("a corrupt block from the card is answered with R(error); too many → T1Error", () => {
    const host = new T1Host({ maxRetries: 2 });
    host.begin(hex("00A40400"));
    const step = host.onBlock(hex("0000020102FF"));
    expect(step.type === "send" && toHex(step.block)).toBe("00810081");
    host.onBlock(hex("00"));
    expect(() => host.onBlock(hex("00"))).toThrow(T1Error);
  });

  it("fuzz: random blocks to the host only throw Iso7816Error", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 8 }), (blocks) => {
        const host = new T1Host();
        host.begin(hex("00A4040000"));
        try {
          for (const b of blocks) host.onBlock(b);
        } catch (error) {
          expect(error).toBeInstanceOf(Iso7816Error);
        }
        try {
          decodeT1Block(blocks[0] ?? new Uint8Array());
        } catch (error) {
          expect(error).toBeInstanceOf(T1Error);
        }
      }),
      { seed: 17, numRuns: 500 },
    );
  });
});
