import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildCandidates,
  type Combination,
  combinationKey,
  createQpbocKernel,
  EntryPoint,
  type Kernel,
  type KernelActivation,
  outcome,
  parsePpse,
  preProcess,
} from "../../../../firmware/emv/contactless/index.js";
import type { ApduChannel } from "../../../../firmware/emv/shared/apdu-channel.js";
import { CapkStore } from "../../../../protocol/emv/index.js";
import { loadVectors } from "../../../support/vectors.js";
import { COMBINATIONS, deps, TERMINAL, UNIONPAY_DEBIT } from "./support/harness.js";
import { QPBOC_PDOL_HEX, TestCard, tlv } from "./support/test-card.js";

interface Trace {
  name: string;
  apdus: { c: string; r: string | null }[];
}
const traces = loadVectors<Trace[]>("emv-public.json");
const trace = (name: string) => traces.find((t) => t.name === name)!;

const hex = (h: string) => Buffer.from(h, "hex");
const cup: Combination = COMBINATIONS[0]!;

/** Replays recorded answers by command (Le-less vector commands match ours with Le 00); records what was sent. */
class Replay implements ApduChannel {
  readonly sent: string[] = [];
  constructor(private readonly answers: { c: string; r: string | null }[]) {}
  async transmit(apdu: Buffer) {
    const c = apdu.toString("hex").toUpperCase();
    this.sent.push(c);
    const found = this.answers.find((a) => a.c === c || `${a.c}00` === c);
    if (!found?.r) throw new Error("card gone");
    return { data: hex(found.r.slice(0, -4)), sw: Number.parseInt(found.r.slice(-4), 16) };
  }
}

describe("pre-processing (Book A §5.2 / JR/T 0025.12 §6.2)", () => {
  const ind = (amount: number, c: Combination = cup, onlineCapable = true) =>
    preProcess([c], { amount, onlineCapable }).indicators.get(combinationKey(c))!;

  it("sets the indicators and TTQ bits from the reader limits", () => {
    expect(ind(2000)).toMatchObject({
      contactlessApplicationNotAllowed: false,
      readerContactlessFloorLimitExceeded: false,
      readerCvmRequiredLimitExceeded: false,
    });
    expect(ind(2000).ttq?.toString("hex")).toBe("26000080");
    expect(ind(50_000).readerContactlessFloorLimitExceeded).toBe(false);
    expect(ind(50_001).ttq?.toString("hex")).toBe("26c00080");
    expect(ind(30_000).ttq?.toString("hex")).toBe("26400080");
    expect(ind(29_999).readerCvmRequiredLimitExceeded).toBe(false);
    expect(ind(99_999).contactlessApplicationNotAllowed).toBe(false);
    expect(ind(100_000).contactlessApplicationNotAllowed).toBe(true);
  });

  it("status check (1 unit) and zero amount ask for an online cryptogram; zero amount offline-only is not allowed", () => {
    expect(ind(1)).toMatchObject({ statusCheckRequested: true });
    expect(ind(1).ttq?.[1]).toBe(0x80);
    expect(ind(0)).toMatchObject({ zeroAmount: true, contactlessApplicationNotAllowed: false });
    expect(ind(0, cup, false).contactlessApplicationNotAllowed).toBe(true);
    expect(ind(0, { ...cup, zeroAmountAllowed: false }).contactlessApplicationNotAllowed).toBe(true);
    expect(ind(1, { ...cup, statusCheck: false }).statusCheckRequested).toBe(false);
  });

  it("the terminal floor limit applies when a combination has none; configured TTQ byte 2 b8/b7 are reset first", () => {
    const c: Combination = { aid: hex("A000000333"), kernelId: 7, ttq: hex("26C00080") };
    const r = preProcess([c], { amount: 100, onlineCapable: true, terminalFloorLimit: 500 });
    expect(r.indicators.get(combinationKey(c))?.ttq?.toString("hex")).toBe("26000080");
    const over = preProcess([c], { amount: 501, onlineCapable: true, terminalFloorLimit: 500 });
    expect(over.indicators.get(combinationKey(c))?.ttq?.toString("hex")).toBe("26800080");
  });

  it("all combinations over their limit ⇒ Try Another Interface without touching the card", async () => {
    const card = new TestCard({
      aid: UNIONPAY_DEBIT,
      pan: "6217000000000000033",
      pdol: QPBOC_PDOL_HEX,
      decision: "TC",
      aip: "2000",
    });
    const ep = new EntryPoint({
      combinations: COMBINATIONS,
      kernels: new Map([[7, createQpbocKernel(deps(card.pki.capks))]]),
      onlineCapable: true,
    });
    const tx = { amount: 100_000, type: 0 };
    const pre = ep.preProcess(tx);
    expect(pre.allNotAllowed).toBe(true);
    expect((await ep.tap(card, tx, pre)).outcome).toBe("try-another-interface");
    expect(card.log).toEqual([]);
  });

  it("TTQ bits agree with the indicators for any amount (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (amount) => {
        const i = ind(amount);
        const b2 = i.ttq![1]!;
        const online = amount === 0 || amount === 1 || amount > 50_000;
        return (
          ((b2 & 0x80) !== 0) === online &&
          ((b2 & 0x40) !== 0) === amount >= 30_000 &&
          i.contactlessApplicationNotAllowed === amount >= 100_000 &&
          i.ttq![0] === 0x26 &&
          i.ttq![3] === 0x80
        );
      }),
      { seed: 0x9f66, numRuns: 500 },
    );
  });
});

describe("PPSE and combination selection (Book B)", () => {
  it("parses both qPBOC PPSE answers of the public trace (kernel 7 by RID default)", () => {
    const t = trace("unionpay-qpboc-ppse-select-blog");
    const a = parsePpse(hex(t.apdus[0]!.r!.slice(0, -4)));
    expect(a).toEqual([{ adfName: hex("A000000333010101"), label: "PBOC DEBIT", priority: 1, order: 0 }]);
    const b = parsePpse(hex(t.apdus[2]!.r!.slice(0, -4)));
    expect(b[0]).toMatchObject({ adfName: hex("A0000003330101"), label: "PBOC Credit", priority: 1 });
    const candidates = buildCandidates([...a, ...b], COMBINATIONS, () => true);
    expect(candidates.map((c) => c.combination.kernelId)).toEqual([7, 7]);
  });

  it("keeps mutually supported entries, honours 9F2A over the RID, sorts by priority then directory order", () => {
    const entries = [
      { adfName: hex("A0000000031010"), order: 0 },
      { adfName: hex("A0000000041010"), priority: 2, order: 1 },
      { adfName: hex("A000000333010102"), priority: 1, order: 2 },
      { adfName: hex("A000000333010101"), priority: 1, order: 3 },
      { adfName: hex("A000000333010106"), priority: 1, kernelId: 3, order: 4 },
      { adfName: hex("A000000999"), priority: 1, order: 5 },
    ];
    const picked = buildCandidates(entries, COMBINATIONS, (c) => c.kernelId !== 2);
    expect(picked.map((c) => c.entry.adfName.toString("hex").toUpperCase())).toEqual([
      "A000000333010102",
      "A000000333010101",
      "A0000000031010",
    ]);
  });

  it("skips entries without a 4F and answers without a directory", () => {
    const fci = Buffer.concat([hex("6F10A50EBF0C0B"), hex("6109500450424F43870101")]);
    expect(parsePpse(fci)).toEqual([]);
    expect(parsePpse(hex("6F00"))).toEqual([]);
    expect(parsePpse(hex("FFFF"))).toEqual([]);
  });

  it("replays the qPBOC trace and builds the GPO of the public vector byte for byte", async () => {
    const select = trace("unionpay-qpboc-ppse-select-blog").apdus.slice(0, 2);
    const gpo = trace("unionpay-qpboc-gpo-commands").apdus;
    const cases = [
      { amount: 200, date: new Date(2025, 4, 3), un: "82888929", expected: gpo[0]!.c },
      { amount: 150, date: new Date(2025, 4, 4), un: "9747A22D", expected: gpo[1]!.c },
    ];
    for (const c of cases) {
      const card = new Replay(select);
      const kernel = createQpbocKernel({
        terminal: { ...TERMINAL, countryCode: hex("0458"), currencyCode: hex("0458") },
        capks: new CapkStore(),
        clock: () => c.date,
        unpredictableNumber: () => hex(c.un),
      });
      const ep = new EntryPoint({
        combinations: [{ ...cup, floorLimit: 0 }],
        kernels: new Map([[7, kernel]]),
        onlineCapable: true,
      });
      const tx = { amount: c.amount, type: 0x00 };
      const result = await ep.tap(card, tx, ep.preProcess(tx));
      expect(card.sent[0]).toBe(`${select[0]!.c}00`);
      expect(card.sent[1]).toBe(`${select[1]!.c}00`);
      expect(card.sent[2]).toBe(c.expected);
      // The trace has no GPO answer: the card is "gone", so the outcome is Try Again.
      expect(result).toMatchObject({ outcome: "try-again", start: "B" });
    }
  });
});

describe("entry point kernel activation and outcomes", () => {
  const kernelReturning = (id: number, results: ReturnType<typeof outcome>[], seen: string[]): Kernel => ({
    id,
    name: `k${id}`,
    async activate(a: KernelActivation) {
      seen.push(a.dfName.toString("hex").toUpperCase());
      return results.shift() ?? outcome("end-application");
    },
  });

  it("Select Next drops the candidate and activates the next one within the same tap", async () => {
    const card = new TestCard({
      aid: "A000000333010101",
      pan: "6217000000000000033",
      pdol: QPBOC_PDOL_HEX,
      decision: "TC",
      aip: "2000",
      priority: 2,
      extraDirectory: [tlv("61", "", [tlv("4F", "A000000333010102"), tlv("87", "01")])],
    });
    const seen: string[] = [];
    // The first candidate (priority 1, 0102) is not on the card: its SELECT fails (6A82) and is skipped.
    const ep = new EntryPoint({
      combinations: COMBINATIONS,
      kernels: new Map([
        [7, kernelReturning(7, [outcome("select-next", { start: "C" }), outcome("approved")], seen)],
      ]),
      onlineCapable: true,
    });
    const tx = { amount: 100, type: 0 };
    const first = await ep.tap(card, tx, ep.preProcess(tx));
    expect(card.log.slice(0, 3)).toEqual([
      "00A404000E325041592E5359532E444446303100",
      "00A4040008A00000033301010200",
      "00A4040008A00000033301010100",
    ]);
    expect(seen).toEqual(["A000000333010101"]);
    expect(first.outcome).toBe("try-another-interface");
  });

  it("no PPSE ⇒ Try Another Interface; card gone at PPSE ⇒ Try Again", async () => {
    const noPpse: ApduChannel = { transmit: async () => ({ data: Buffer.alloc(0), sw: 0x6a82 }) };
    const gone: ApduChannel = {
      transmit: async () => {
        throw new Error("field lost");
      },
    };
    const ep = new EntryPoint({ combinations: COMBINATIONS, kernels: new Map(), onlineCapable: true });
    const tx = { amount: 100, type: 0 };
    expect((await ep.tap(noPpse, tx, ep.preProcess(tx))).outcome).toBe("try-another-interface");
    expect((await ep.tap(gone, tx, ep.preProcess(tx))).outcome).toBe("try-again");
  });

  it("an aborted signal ends the tap as Try Again without sending", async () => {
    const card = new TestCard({
      aid: UNIONPAY_DEBIT,
      pan: "6217000000000000033",
      pdol: QPBOC_PDOL_HEX,
      decision: "TC",
      aip: "2000",
    });
    const ep = new EntryPoint({ combinations: COMBINATIONS, kernels: new Map(), onlineCapable: true });
    const tx = { amount: 100, type: 0 };
    const controller = new AbortController();
    controller.abort();
    expect((await ep.tap(card, tx, ep.preProcess(tx), controller.signal)).outcome).toBe("try-again");
    expect(card.log).toEqual([]);
  });
});
