import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeEmvCommand,
  describeEmvTrace,
  EmvDataError,
  parseEmvTrace,
} from "../../../protocol/emv/index.js";
import { ProtocolError } from "../../../protocol/errors.js";
import { parseCommandApdu } from "../../../protocol/iso7816/index.js";
import { loadVectors } from "../../support/vectors.js";

interface Trace {
  name: string;
  kind: string;
  apdus: { c: string; r: string | null }[];
}

const traces = loadVectors<Trace[]>("emv-public.json").filter(
  (v) => v.kind === "apdu-trace" || v.kind === "apdu-commands",
);
const cmd = (hex: string) => describeEmvCommand(parseCommandApdu(Buffer.from(hex, "hex")));

describe("EMV command names", () => {
  it.each([
    [
      "00A404000E315041592E5359532E444446303100",
      "SELECT",
      'by DF name, first occurrence: "1PAY.SYS.DDF01" (Le 256)',
    ],
    ["00A4040207A000000004101000", "SELECT", "by DF name, next occurrence: A0000000041010 (Le 256)"],
    ["00B2010C00", "READ RECORD", "SFI 1 record 1 (Le 256)"],
    ["00B2021400", "READ RECORD", "SFI 2 record 2 (Le 256)"],
    ["80A8000002830000", "GET PROCESSING OPTIONS", "PDOL data 0 bytes (Le 256)"],
    ["80AE900002010200", "GENERATE AC", "ARQC CDA, CDOL data 2 bytes (Le 256)"],
    ["80AE400002010200", "GENERATE AC", "TC, CDOL data 2 bytes (Le 256)"],
    ["008800000411223344", "INTERNAL AUTHENTICATE", "DDOL data 4 bytes"],
    ["0082000008" + "1122334455667788", "EXTERNAL AUTHENTICATE", "issuer authentication data 8 bytes"],
    ["80CA9F1700", "GET DATA", "tag 9F17 Personal Identification Number (PIN) Try Counter (Le 256)"],
    ["0084000000", "GET CHALLENGE", "8-byte unpredictable number (Le 256)"],
    ["00C000001A", "GET RESPONSE", "fetch the pending response (Le 26)"],
    [`842400000C${"00".repeat(12)}`, "PIN CHANGE/UNBLOCK", "P1 00 P2 00, 12 data bytes"],
    ["00120000", "UNKNOWN (CLA 00 INS 12)", "P1 00 P2 00"],
  ])("%s ⇒ %s", (hex, name, details) => {
    expect(cmd(hex)).toMatchObject({ name, details });
  });

  it("never shows VERIFY PIN data", () => {
    const d = cmd("0020008008241234FFFFFFFFFF");
    expect(d).toMatchObject({ name: "VERIFY", showData: false });
    expect(d.details).toBe("plaintext offline PIN, PIN data hidden");
    const text = describeEmvTrace(
      parseEmvTrace({ apdus: [{ c: "0020008008241234FFFFFFFFFF", r: "63C2" }] }),
      { reveal: true },
    );
    expect(text).not.toContain("1234");
    expect(text).toContain("63C2 verification failed, 2 tries left");
  });
});

describe("trace printer on the public traces", () => {
  it.each(traces.map((t) => [t.name, t] as const))("%s: every exchange is named and decoded", (_n, trace) => {
    const text = describeEmvTrace(parseEmvTrace(trace));
    expect(text.match(/^#\d+ > /gm)).toHaveLength(trace.apdus.length);
    expect(text).not.toContain("UNKNOWN");
    expect(text).not.toContain("Unknown tag");
  });

  it("PSE multi-app: SELECT, FCI tags, directory entries, 6A83", () => {
    const trace = traces.find((t) => t.name === "emv-utils-pse-multi-app-supported")!;
    const text = describeEmvTrace(parseEmvTrace(trace));
    expect(text).toContain('SELECT: by DF name, first occurrence: "1PAY.SYS.DDF01"');
    expect(text).toContain("< 9000 success");
    expect(text).toContain("6F File Control Information (FCI) Template (32)");
    expect(text).toContain("88 Short File Identifier (SFI) (1): 01");
    expect(text).toContain("READ RECORD: SFI 1 record 1");
    expect(text).toContain("4F Application Dedicated File (ADF) Name (7): A0000000032020");
    expect(text).toContain("< 6A83 record not found");
  });

  it("blocked PSE: 6283 and 6Cxx explained", () => {
    const trace = traces.find((t) => t.name === "emv-utils-pse-blocked")!;
    const text = describeEmvTrace(parseEmvTrace(trace));
    expect(text).toContain("< 6283 warning: selected file invalidated (application blocked)");
    expect(text).toContain("< 6C1A wrong Le: resend with Le = 26");
  });

  it("qPBOC GPO commands without responses", () => {
    const trace = traces.find((t) => t.name === "unionpay-qpboc-gpo-commands")!;
    const text = describeEmvTrace(parseEmvTrace(trace));
    expect(text).toContain("GET PROCESSING OPTIONS: PDOL data 33 bytes (Le 256)");
    expect(text).toContain("< (no response recorded)");
  });

  it("decodes GPO format 1, GENERATE AC CID and CVM lists, and masks the PAN unless revealed", () => {
    const exchanges = parseEmvTrace({
      apdus: [
        { c: "80A8000002830000", r: "800E7C00080101001001030118010200" + "9000" },
        { c: "00B2010C00", r: "701C5A0862284804025648905F24033012318E0A00000000000000001E03" + "9000" },
        { c: "80AE8000020000", r: "77149F2701809F360200019F2608112233445566778890" + "00" },
        { c: "0084000000", r: "1122334455667788" + "9000" },
      ],
    });
    const text = describeEmvTrace(exchanges);
    expect(text).toContain(
      "= AIP: sda, dda, cardholderVerification, terminalRiskManagement, issuerAuthentication",
    );
    expect(text).toContain("= AFL: SFI 2 records 1-3, 1 for ODA");
    expect(text).toContain("5A Application Primary Account Number (PAN) (8): 622848******4890");
    expect(text).not.toContain("6228480402564890");
    expect(text).toContain("= CVM list: X 0, Y 0");
    expect(text).toContain("=   signature if terminal-supports-cvm");
    expect(text).toContain("= CID: ARQC, no-information");
    expect(text).toContain("unpredictable number: 1122334455667788");
    expect(describeEmvTrace(exchanges, { reveal: true })).toContain("6228480402564890");
  });

  it("non-TLV response data is hidden unless revealed; bad AFL explained", () => {
    const exchanges = parseEmvTrace({
      apdus: [
        { c: "00B2010C00", r: "0102039000" },
        { c: "80A8000002830000", r: "8006" + "7C00" + "00010100" + "9000" },
      ],
    });
    const text = describeEmvTrace(exchanges);
    expect(text).toContain("[hidden 3 bytes]");
    expect(text).toContain("= 94: tag 94 entry 1, offset 0: SFI 0 outside 1–30");
  });
});

describe("trace file validation", () => {
  it.each([
    ["not an object", 42, "trace"],
    ["no apdus", {}, "trace"],
    ["entry not an object", { apdus: [1] }, "apdus[0]"],
    ["c not a string", { apdus: [{ c: 1 }] }, "apdus[0].c"],
    ["r not a string", { apdus: [{ c: "00A40400", r: 5 }] }, "apdus[0].r"],
    ["bad hex", { apdus: [{ c: "00A4040G" }] }, "apdus[0].c"],
  ])("%s ⇒ a typed error naming %s", (_n, json, path) => {
    try {
      parseEmvTrace(json);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).path).toBe(path);
    }
    expect(() => parseEmvTrace(json)).toThrow(ProtocolError);
  });

  it("random command/response bytes only ever give typed errors", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 60 }), (c, r) => {
        try {
          describeEmvTrace([{ c: Buffer.from(c), r: Buffer.from(r) }]);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { seed: 6003, numRuns: 2000 },
    );
  });

  it("EmvDataError is a ProtocolError (posctl exit 2)", () => {
    expect(new EmvDataError("x")).toBeInstanceOf(ProtocolError);
  });
});
