import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleSettings, type LimitSettings } from "../../../firmware/config/index.js";
import { TRANSACTION_TYPES } from "../../../firmware/journal/transaction-record.js";
import { formatYuan, type RiskHistory, RiskPolicy } from "../../../firmware/risk/index.js";

const NOW = Date.parse("2025-03-14T10:00:00Z");
const MIN = 60_000;
const clock = { now: () => NOW };

/** 100 yuan per transaction, 500 a day, confirm from 50, 3 approvals per card per 10 minutes. */
const limits: LimitSettings = {
  perTransaction: 10_000,
  daily: 50_000,
  largeAmount: 5_000,
  velocity: { maxPerCard: 3, windowMinutes: 10 },
};
const policy = new RiskPolicy(limits, clock);
const fresh: RiskHistory = { todayApprovedAmount: 0, cardRecent: [] };
const ago = (ms: number) => new Date(NOW - ms);

describe("per-transaction limit", () => {
  it("allows exactly the limit and refuses one fen more", () => {
    expect(policy.check({ type: "sale", amount: 10_000 }, fresh).kind).toBe("confirm");
    const over = policy.check({ type: "sale", amount: 10_001 }, fresh);
    expect(over).toMatchObject({ kind: "refuse", code: "over-transaction-limit" });
    if (over.kind !== "refuse") throw new Error("unreachable");
    expect(over.zh).toBe("超过单笔限额：本笔 100.01 元，单笔限额 100.00 元");
    expect(over.en).toBe("Over the per-transaction limit: CNY 100.01, limit CNY 100.00");
  });

  it("caps refunds, pre-authorisations and completions too", () => {
    for (const type of ["refund", "preauth", "preauth-completion", "preauth-completion-advice"] as const) {
      expect(policy.check({ type, amount: 10_000 }, fresh).kind).not.toBe("refuse");
      expect(policy.check({ type, amount: 10_001 }, fresh)).toMatchObject({ code: "over-transaction-limit" });
    }
  });
});

describe("daily limit", () => {
  it("allows reaching the limit exactly and refuses one fen past it", () => {
    const history = { todayApprovedAmount: 46_000, cardRecent: [] };
    expect(policy.check({ type: "sale", amount: 4_000 }, history)).toEqual({ kind: "allow" });
    const over = policy.check({ type: "sale", amount: 4_001 }, history);
    expect(over).toMatchObject({ kind: "refuse", code: "over-daily-limit" });
    if (over.kind !== "refuse") throw new Error("unreachable");
    expect(over.zh).toContain("今日已成交 460.00 元，本笔 40.01 元，当日限额 500.00 元（剩余 40.00 元）");
    expect(over.en).toContain("CNY 460.00 approved today, this one CNY 40.01, daily limit CNY 500.00");
  });

  it("counts completions, not pre-authorisations or refunds", () => {
    const full = { todayApprovedAmount: 50_000, cardRecent: [] };
    expect(policy.check({ type: "preauth-completion", amount: 1 }, full)).toMatchObject({
      code: "over-daily-limit",
    });
    expect(policy.check({ type: "preauth-completion-advice", amount: 1 }, full)).toMatchObject({
      code: "over-daily-limit",
    });
    expect(policy.check({ type: "preauth", amount: 1 }, full)).toEqual({ kind: "allow" });
    expect(policy.check({ type: "refund", amount: 1 }, full)).toEqual({ kind: "allow" });
  });
});

describe("velocity", () => {
  const card = "622609******8388";
  const withRecent = (...times: Date[]) => ({ todayApprovedAmount: 0, cardRecent: times });

  it("refuses the approval past maxPerCard inside the window", () => {
    expect(policy.check({ type: "sale", amount: 100, cardKey: card }, withRecent(ago(1), ago(MIN)))).toEqual({
      kind: "allow",
    });
    const refused = policy.check(
      { type: "sale", amount: 100, cardKey: card },
      withRecent(ago(1), ago(MIN), ago(2 * MIN)),
    );
    expect(refused).toMatchObject({ kind: "refuse", code: "velocity" });
    if (refused.kind !== "refuse") throw new Error("unreachable");
    expect(refused.zh).toBe("该卡交易过于频繁：10 分钟内已成功 3 笔（上限 3 笔），请稍后再试");
    expect(refused.en).toBe(
      "Too many transactions on this card: 3 approved in 10 min (limit 3); try again later",
    );
  });

  it("window edge: exactly windowMinutes old is out, one ms younger is in", () => {
    const edge = withRecent(ago(0), ago(MIN), ago(10 * MIN));
    expect(policy.check({ type: "sale", amount: 100, cardKey: card }, edge).kind).toBe("allow");
    const inside = withRecent(ago(0), ago(MIN), ago(10 * MIN - 1));
    expect(policy.check({ type: "sale", amount: 100, cardKey: card }, inside)).toMatchObject({
      code: "velocity",
    });
  });

  it("follows the injected clock", () => {
    let now = NOW;
    const moving = new RiskPolicy(limits, { now: () => now });
    const history = withRecent(ago(0), ago(MIN), ago(2 * MIN));
    expect(moving.check({ type: "preauth", amount: 100, cardKey: card }, history)).toMatchObject({
      code: "velocity",
    });
    now = NOW + 8 * MIN; // the oldest is now exactly 10 minutes old
    expect(moving.check({ type: "preauth", amount: 100, cardKey: card }, history).kind).toBe("allow");
  });

  it("is not checked without a card key, for refunds and completions, or when switched off", () => {
    const busy = withRecent(ago(1), ago(2), ago(3), ago(4));
    expect(policy.check({ type: "sale", amount: 100 }, busy).kind).toBe("allow");
    expect(policy.check({ type: "refund", amount: 100, cardKey: card }, busy).kind).toBe("allow");
    expect(policy.check({ type: "preauth-completion", amount: 100, cardKey: card }, busy).kind).toBe("allow");
    const off = new RiskPolicy({ ...limits, velocity: { maxPerCard: 0, windowMinutes: 10 } }, clock);
    expect(off.check({ type: "sale", amount: 100, cardKey: card }, busy).kind).toBe("allow");
  });
});

describe("large amounts", () => {
  it("asks for confirmation from largeAmount on, not one fen below", () => {
    expect(policy.check({ type: "sale", amount: 4_999 }, fresh)).toEqual({ kind: "allow" });
    const confirm = policy.check({ type: "sale", amount: 5_000 }, fresh);
    expect(confirm).toEqual({
      kind: "confirm",
      code: "large-amount",
      zh: "大额交易：本笔 50.00 元（50.00 元起需确认），请核对金额后按确认键",
      en: "Large amount: CNY 50.00 (confirmation from CNY 50.00); check the amount and press Enter",
    });
    expect(policy.check({ type: "refund", amount: 5_000 }, fresh).kind).toBe("confirm");
  });

  it("refusals come before the confirmation", () => {
    expect(policy.check({ type: "sale", amount: 10_001 }, fresh).kind).toBe("refuse");
    expect(
      policy.check({ type: "sale", amount: 6_000 }, { todayApprovedAmount: 45_000, cardRecent: [] }).kind,
    ).toBe("refuse");
  });
});

describe("amounts and transaction types", () => {
  it("refuses zero and negative amounts for money-moving types", () => {
    for (const type of ["sale", "refund", "preauth", "preauth-completion"] as const) {
      expect(policy.check({ type, amount: 0 }, fresh)).toMatchObject({ kind: "refuse", code: "zero-amount" });
      expect(policy.check({ type, amount: -1 }, fresh)).toMatchObject({
        kind: "refuse",
        code: "zero-amount",
      });
    }
  });

  it("throws on an amount that is not integer fen (a caller bug, not an operator error)", () => {
    expect(() => policy.check({ type: "sale", amount: 12.5 }, fresh)).toThrow(RangeError);
    expect(() => policy.check({ type: "sale", amount: Number.NaN }, fresh)).toThrow(RangeError);
  });

  it("always allows voids and balance inquiries, whatever the amount or the day", () => {
    const full = { todayApprovedAmount: 10 ** 9, cardRecent: [ago(1), ago(2), ago(3)] };
    for (const type of ["void", "preauth-void", "preauth-completion-void", "balance"] as const) {
      for (const amount of [0, 10_001, 10 ** 9]) {
        expect(policy.check({ type, amount, cardKey: "x" }, full)).toEqual({ kind: "allow" });
      }
    }
  });

  it("refuses a transaction type whose feature is switched off", () => {
    const features = { void: false, refund: false, preauth: false, balance: false };
    const strict = new RiskPolicy(limits, clock, features);
    const cases = [
      [
        "void",
        "本终端未开通消费撤销功能，请联系收单机构",
        "Void is not enabled on this terminal; contact the acquirer",
      ],
      [
        "refund",
        "本终端未开通退货功能，请联系收单机构",
        "Refund is not enabled on this terminal; contact the acquirer",
      ],
      [
        "preauth",
        "本终端未开通预授权功能，请联系收单机构",
        "Pre-authorisation is not enabled on this terminal; contact the acquirer",
      ],
      [
        "preauth-completion-void",
        "本终端未开通预授权完成撤销功能，请联系收单机构",
        "Pre-authorisation completion void is not enabled on this terminal; contact the acquirer",
      ],
      [
        "balance",
        "本终端未开通余额查询功能，请联系收单机构",
        "Balance inquiry is not enabled on this terminal; contact the acquirer",
      ],
    ] as const;
    for (const [type, zh, en] of cases) {
      expect(strict.check({ type, amount: 100 }, fresh)).toEqual({
        kind: "refuse",
        code: "feature-disabled",
        zh,
        en,
      });
    }
    expect(strict.check({ type: "sale", amount: 100 }, fresh).kind).toBe("allow");
  });

  it("every transaction type gets a decision with both languages when it is not allowed", () => {
    const strict = new RiskPolicy(
      limits,
      clock,
      exampleSettings({ features: { void: false, refund: false, preauth: false, balance: false } }).features,
    );
    for (const type of TRANSACTION_TYPES) {
      const d = strict.check({ type, amount: 10_001 }, fresh);
      expect(d.kind).toBe("refuse");
      if (d.kind === "refuse") {
        expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(d.en).toMatch(/^[\x20-\x7e]+$/);
      }
    }
  });

  it("takes its limits straight from the terminal settings", () => {
    const settings = exampleSettings();
    const fromConfig = new RiskPolicy(settings.limits, clock, settings.features);
    expect(fromConfig.check({ type: "sale", amount: settings.limits.perTransaction + 1 }, fresh).kind).toBe(
      "refuse",
    );
  });
});

describe("decisions against a model (property)", () => {
  it("refuses exactly when a rule is broken, confirms exactly from largeAmount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.array(fc.integer({ min: 0, max: 20 * MIN }), { maxLength: 6 }),
        (amount, today, agesMs) => {
          const d = policy.check(
            { type: "sale", amount, cardKey: "c" },
            { todayApprovedAmount: today, cardRecent: agesMs.map(ago) },
          );
          const recent = agesMs.filter((a) => a < 10 * MIN).length;
          const expected =
            amount > 10_000
              ? "over-transaction-limit"
              : today + amount > 50_000
                ? "over-daily-limit"
                : recent >= 3
                  ? "velocity"
                  : amount >= 5_000
                    ? "large-amount"
                    : "allow";
          expect(d.kind === "allow" ? "allow" : d.code).toBe(expected);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe("formatYuan", () => {
  it("formats fen exactly, with thousands separators", () => {
    expect(formatYuan(0)).toBe("0.00");
    expect(formatYuan(5)).toBe("0.05");
    expect(formatYuan(100)).toBe("1.00");
    expect(formatYuan(123_456_789)).toBe("1,234,567.89");
    expect(formatYuan(-2_500)).toBe("-25.00");
  });
});
