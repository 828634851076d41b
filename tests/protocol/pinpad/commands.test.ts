import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../protocol/hex.js";
import {
  closeCommand,
  decodeCloseCommand,
  decodeCommand,
  decodeDeviceInfo,
  decodeDeviceInfoCommand,
  decodeDisplayCommand,
  decodeGetPinCommand,
  decodeGetPinResponse,
  decodeLoadWorkingKeyCommand,
  decodeNotification,
  decodeResponse,
  deviceInfoCommand,
  deviceInfoResponse,
  displayCommand,
  encodeCommand,
  encodeFrame,
  encodeResponse,
  type GetPinParams,
  getPinCommand,
  getPinResponse,
  loadWorkingKeyCommand,
  maskedDigitCount,
  notificationResponse,
  openCommand,
  PinPadCodecError,
  type PinPadCommand,
} from "../../../protocol/pinpad/index.js";

const wire = (command: PinPadCommand) => encodeCommand(command).toString("latin1");
/** Commands travel through the full codec, as the emulator sees them. */
const roundTrip = (command: PinPadCommand) => decodeCommand(encodeCommand(command));

describe("OPN / CLO / DSP", () => {
  it("builds the reference DSP packet byte for byte", () => {
    const frame = encodeFrame(encodeCommand(displayCommand(["    OPERAÇÃO", "   FINALIZADA"])));
    expect(toHex(frame)).toBe(
      "16445350303332202020204F50455241C7C34F2020202020202046494E414C495A414441202020175213",
    );
    expect(toHex(encodeFrame(encodeCommand(openCommand())))).toBe("164F504E17A8A9");
  });

  it("round-trips display and close messages; no block means clear / no idle text", () => {
    expect(decodeDisplayCommand(roundTrip(displayCommand(["APPROVED", "¥ 12.00"])))).toEqual([
      "APPROVED",
      "¥ 12.00",
    ]);
    expect(decodeDisplayCommand(roundTrip(displayCommand()))).toBeUndefined();
    expect(wire(closeCommand())).toBe("CLO");
    expect(decodeCloseCommand(roundTrip(closeCommand(["WELCOME"])))).toEqual({ idle: ["WELCOME", ""] });
  });

  it("refuses lines over 16 characters or outside ISO-8859-1", () => {
    expect(() => displayCommand(["x".repeat(17)])).toThrow("DSP.MSG[0]");
    expect(() => displayCommand(["OK", "请输入密码"])).toThrow("DSP.MSG[1]");
  });
});

describe("LWK (load working key)", () => {
  const params = {
    slot: 3,
    masterKeyIndex: 1,
    usage: "pin" as const,
    ciphertext: Buffer.from("00112233445566778899AABBCCDDEEFF", "hex"),
    kcv: Buffer.from("82E13665", "hex"),
  };

  it("lays out SLOT MKIDX USAGE KEYLEN KEY KCVLEN KCV", () => {
    expect(wire(loadWorkingKeyCommand(params))).toBe(
      "LWK048" + "03" + "01" + "P" + "16" + "00112233445566778899AABBCCDDEEFF" + "4" + "82E13665",
    );
    expect(decodeLoadWorkingKeyCommand(roundTrip(loadWorkingKeyCommand(params)))).toEqual(params);
    const mac = { ...params, usage: "mac" as const, ciphertext: Buffer.alloc(8, 1), kcv: Buffer.alloc(3, 2) };
    expect(decodeLoadWorkingKeyCommand(roundTrip(loadWorkingKeyCommand(mac)))).toEqual(mac);
  });

  it("refuses bad lengths and usages with the field named", () => {
    expect(() => loadWorkingKeyCommand({ ...params, ciphertext: Buffer.alloc(10) })).toThrow("LWK.KEYLEN");
    expect(() => loadWorkingKeyCommand({ ...params, kcv: Buffer.alloc(1) })).toThrow("LWK.KCVLEN");
    const bad = Buffer.from("LWK0480301X1600112233445566778899AABBCCDDEEFF482E13665", "latin1");
    expect(() => decodeLoadWorkingKeyCommand(decodeCommand(bad))).toThrow("LWK.USAGE, offset 10");
    const badHex = Buffer.from("LWK0480301P16ZZ112233445566778899AABBCCDDEEFF482E13665", "latin1");
    expect(() => decodeLoadWorkingKeyCommand(decodeCommand(badHex))).toThrow("LWK.KEY, offset 13");
  });
});

describe("GPN (get PIN)", () => {
  const request: GetPinParams = {
    method: 1,
    keyIndex: 2,
    pan: "6225880112345678",
    minLength: 4,
    maxLength: 6,
    prompt: ["ENTER PIN", ""],
    timeoutSeconds: 60,
  };

  it("lays out the ABECS GPN fields plus TIMEOUT", () => {
    const text = wire(getPinCommand(request));
    expect(text).toBe(
      "GPN096" +
        "1" +
        "02" +
        "0".repeat(32) +
        "16" +
        "6225880112345678   " +
        "1" +
        "04" +
        "06" +
        "ENTER PIN       " +
        " ".repeat(16) +
        "060",
    );
    expect(decodeGetPinCommand(roundTrip(getPinCommand(request)))).toEqual({
      ...request,
      prompt: ["ENTER PIN", ""],
      workingKeyCiphertext: Buffer.alloc(16),
    });
  });

  it("refuses a PAN that is not digits, bad bounds, PANLEN not matching", () => {
    expect(() => getPinCommand({ ...request, pan: "6225-8801" })).toThrow("GPN.PAN");
    expect(() => getPinCommand({ ...request, minLength: 3 })).toThrow("GPN.MIN");
    expect(() => getPinCommand({ ...request, minLength: 8, maxLength: 6 })).toThrow("GPN.MIN");
    const text = wire(getPinCommand(request)).replace("16622588", "15622588");
    expect(() => decodeGetPinCommand(decodeCommand(Buffer.from(text, "latin1")))).toThrow(
      "GPN.PAN, offset 43",
    );
  });

  it("response: PINBLK H16 + KSN H20 (LEN 036)", () => {
    const result = {
      pinBlock: Buffer.from("1B9C1845EB993A7A", "hex"),
      ksn: Buffer.from("FFFF9876543210E00001", "hex"),
    };
    const bytes = encodeResponse(getPinResponse(result));
    expect(bytes.toString("latin1")).toBe("GPN000036" + "1B9C1845EB993A7A" + "FFFF9876543210E00001");
    expect(decodeGetPinResponse(decodeResponse(bytes))).toEqual(result);
    expect(() => decodeGetPinResponse(decodeResponse(Buffer.from("GPN000004ABCD", "latin1")))).toThrow(
      PinPadCodecError,
    );
  });

  it("property: every valid request round-trips", () => {
    const line = fc.stringMatching(/^[A-Z0-9 ]{0,16}$/).map((s) => s.trimEnd());
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 3),
        fc.integer({ min: 0, max: 99 }),
        fc.stringMatching(/^[0-9]{1,19}$/),
        fc.integer({ min: 4, max: 12 }),
        fc.integer({ min: 0, max: 8 }),
        line,
        line,
        fc.integer({ min: 0, max: 999 }),
        (method, keyIndex, pan, min, extra, l1, l2, timeoutSeconds) => {
          const req: GetPinParams = {
            method: method as GetPinParams["method"],
            keyIndex,
            pan,
            minLength: min,
            maxLength: Math.min(12, min + extra),
            prompt: [l1, l2],
            timeoutSeconds,
          };
          const { workingKeyCiphertext, ...decoded } = decodeGetPinCommand(roundTrip(getPinCommand(req)));
          expect(decoded).toEqual(req);
          expect(workingKeyCiphertext.equals(Buffer.alloc(16))).toBe(true);
        },
      ),
      { seed: 0x6e, numRuns: 300 },
    );
  });
});

describe("GIN and NTM", () => {
  it("round-trips device information in the fixed 100-byte block", () => {
    const info = {
      manufacturer: "ACME",
      model: "PP-9",
      contactless: true,
      firmware: "3.1.4",
      specVersion: "2.12",
      manufacturerVersion: "b7",
      serialNumber: "SN123",
    };
    const bytes = encodeResponse(deviceInfoResponse(info));
    expect(bytes).toHaveLength(9 + 100);
    expect(decodeDeviceInfo(decodeResponse(bytes))).toEqual(info);
    expect(wire(deviceInfoCommand())).toBe("GIN00200");
    expect(decodeDeviceInfoCommand(roundTrip(deviceInfoCommand()))).toBe(0);
  });

  it("NTM carries the display text; the mask gives the digit count only", () => {
    const bytes = encodeResponse(notificationResponse(["ENTER PIN", "****"]));
    expect(bytes.toString("latin1")).toBe(`NTM000032ENTER PIN       ****${" ".repeat(12)}`);
    const lines = decodeNotification(decodeResponse(bytes));
    expect(lines).toEqual(["ENTER PIN", "****"]);
    expect(maskedDigitCount(lines)).toBe(4);
    expect(() => decodeNotification({ id: "GPN", status: 0, blocks: [] })).toThrow(PinPadCodecError);
  });
});

describe("command decoders under fuzz", () => {
  it("random blocks only ever throw PinPadCodecError", () => {
    const decoders = [
      decodeGetPinCommand,
      decodeLoadWorkingKeyCommand,
      decodeDisplayCommand,
      decodeCloseCommand,
      decodeDeviceInfoCommand,
    ];
    const printable = fc.stringMatching(/^[0-9A-Fa-z PM]{0,120}$/).map((s) => Buffer.from(s, "latin1"));
    const block = fc.oneof(
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)),
      printable,
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 2 }), (blocks) => {
        for (const decode of decoders) {
          try {
            decode({ id: "XXX", blocks });
          } catch (error) {
            expect(error).toBeInstanceOf(PinPadCodecError);
          }
        }
        for (const decode of [decodeGetPinResponse, decodeDeviceInfo, decodeNotification]) {
          try {
            decode({ id: "NTM", status: 0, blocks });
          } catch (error) {
            expect(error).toBeInstanceOf(PinPadCodecError);
          }
        }
      }),
      { seed: 0x91, numRuns: 2000 },
    );
  });
});
