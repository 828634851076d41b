import { describe, expect, it } from "vitest";
import {
  findAidConfig,
  parseTerminalConfig,
  TerminalConfigError,
  UNIONPAY_DEFAULTS,
  unionPayTerminalConfig,
} from "../../../../firmware/emv/shared/terminal-config.js";

const hex = (b: Buffer) => b.toString("hex").toUpperCase();

describe("terminal configuration", () => {
  it("parses the UnionPay defaults into bytes (CUP TMS record values)", () => {
    const config = unionPayTerminalConfig();
    expect(hex(config.terminalCapabilities)).toBe("E0F8C8");
    expect(config.terminalType).toBe(0x22);
    expect(hex(config.countryCode)).toBe("0156");
    expect(hex(config.currencyCode)).toBe("0156");
    const debit = config.aids[0]!;
    expect(hex(debit.aid)).toBe("A000000333010101");
    expect(debit.partialSelection).toBe(true);
    expect(hex(debit.tacDenial)).toBe("0010000000");
    expect(hex(debit.tacOnline)).toBe("584024F830");
    expect(hex(debit.tacDefault)).toBe("584000A800");
    expect(hex(debit.defaultDdol)).toBe("9F3704");
    expect(debit.contactless?.kernelId).toBe(7);
  });

  it.each([
    [{ terminalCapabilities: "E0F8" }, "terminalCapabilities"],
    [{ terminalType: "29" }, "terminalType"],
    [{ countryCode: "156" }, "countryCode"],
    [{ ifdSerialNumber: "123" }, "ifdSerialNumber"],
    [{ aids: [] }, "aids"],
    [{ aids: [{ ...UNIONPAY_DEFAULTS.aids[0]!, tacOnline: "58402" }] }, "aids[0].tacOnline"],
    [{ aids: [{ ...UNIONPAY_DEFAULTS.aids[0]!, aid: "A0000003" }] }, "aids[0].aid"],
    [{ aids: [UNIONPAY_DEFAULTS.aids[0]!, UNIONPAY_DEFAULTS.aids[0]!] }, "aids[1].aid"],
    [
      {
        aids: [
          {
            ...UNIONPAY_DEFAULTS.aids[0]!,
            floorLimit: 1000,
            randomSelection: { threshold: 1000, targetPercent: 10, maxTargetPercent: 20 },
          },
        ],
      },
      "aids[0].randomSelection.threshold",
    ],
    [
      {
        aids: [
          {
            ...UNIONPAY_DEFAULTS.aids[0]!,
            randomSelection: { threshold: 0, targetPercent: 30, maxTargetPercent: 20 },
          },
        ],
      },
      "aids[0].randomSelection.maxTargetPercent",
    ],
  ])("an invalid setting is named in the error (%j)", (override, setting) => {
    let error: unknown;
    try {
      parseTerminalConfig({ ...UNIONPAY_DEFAULTS, ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerminalConfigError);
    expect((error as TerminalConfigError).setting).toBe(setting);
    expect((error as Error).message.startsWith(`${setting}: `)).toBe(true);
  });

  it("rejects unknown settings and non-objects", () => {
    expect(() => parseTerminalConfig({ ...UNIONPAY_DEFAULTS, floorlimit: 5 })).toThrow(TerminalConfigError);
    expect(() => parseTerminalConfig(null)).toThrow(TerminalConfigError);
  });

  it("finds the AID record: exact match first, else an allowed partial match", () => {
    const config = unionPayTerminalConfig();
    expect(hex(findAidConfig(config, Buffer.from("A000000333010102", "hex"))!.aid)).toBe("A000000333010102");
    expect(hex(findAidConfig(config, Buffer.from("A0000000031010FF", "hex"))!.aid)).toBe("A0000000031010");
    expect(findAidConfig(config, Buffer.from("A000000025010402", "hex"))).toBeUndefined();
  });
});
