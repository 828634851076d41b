import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AtError } from "../../../protocol/at/at-error.js";
import { decodeCmeError, tcpIpErrorText } from "../../../protocol/at/cme-errors.js";
import { splitParams } from "../../../protocol/at/params.js";
import * as quectel from "../../../protocol/at/quectel-commands.js";
import {
  parseCpin,
  parseCsq,
  parseQiact,
  parseQigeterror,
  parseQiopen,
  parseQiurc,
  parseRegistration,
} from "../../../protocol/at/quectel-responses.js";

describe("Quectel command builders (§6.1 sequence)", () => {
  it("builds the reference lines", () => {
    expect(quectel.echoOff().text).toBe("ATE0");
    expect(quectel.verboseErrors().text).toBe("AT+CMEE=2");
    expect(quectel.simStatus()).toMatchObject({ text: "AT+CPIN?", prefix: "+CPIN", timeoutMs: 5_000 });
    expect(quectel.signalQuality()).toMatchObject({ text: "AT+CSQ", prefix: "+CSQ" });
    expect(quectel.configureContext({ apn: "CMNET" }).text).toBe('AT+QICSGP=1,1,"CMNET","","",0');
    expect(
      quectel.configureContext({ apn: "UNINET", user: "u", password: "p", auth: "chap", context: 2 }).text,
    ).toBe('AT+QICSGP=2,1,"UNINET","u","p",2');
    expect(quectel.activateContext()).toMatchObject({ text: "AT+QIACT=1", timeoutMs: 150_000 });
    expect(quectel.deactivateContext()).toMatchObject({ text: "AT+QIDEACT=1", timeoutMs: 40_000 });
    expect(quectel.openSocket({ connectId: 0, host: "220.181.1.2", port: 8583 }).text).toBe(
      'AT+QIOPEN=1,0,"TCP","220.181.1.2",8583,0,0',
    );
    const send = quectel.send(0, Buffer.from("hello"));
    expect(send).toMatchObject({ text: "AT+QISEND=0,5", expectPrompt: true });
    expect(quectel.read(0)).toMatchObject({ text: "AT+QIRD=0,1500", prefix: "+QIRD" });
    expect(quectel.closeSocket(3).text).toBe("AT+QICLOSE=3,10");
  });

  it("refuses values that would inject a second command or break the line", () => {
    expect(() => quectel.configureContext({ apn: 'CMNET"\rAT+CFUN=0' })).toThrow(AtError);
    expect(() => quectel.openSocket({ connectId: 12, host: "h", port: 1 })).toThrow(/qiopen.connectId/);
    expect(() => quectel.openSocket({ connectId: 0, host: "h", port: 0 })).toThrow(/qiopen.port/);
    expect(() => quectel.send(0, Buffer.alloc(0))).toThrow(/qisend.length/);
    expect(() => quectel.send(0, Buffer.alloc(1461))).toThrow(/qisend.length/);
  });

  it("a quoted APN always splits back to itself (no injection possible)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (apn) => {
        let text: string;
        try {
          text = quectel.configureContext({ apn }).text;
        } catch (error) {
          expect(error).toBeInstanceOf(AtError);
          return;
        }
        expect(text).not.toMatch(/[\r\n]/);
        expect(splitParams(text.slice("AT+QICSGP=".length))[2]).toBe(apn);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe("Reply decoders", () => {
  it("CSQ: rssi → dBm, 99 unknown", () => {
    expect(parseCsq("0,0")).toMatchObject({ rssiDbm: -113, ber: 0 });
    expect(parseCsq("31,7")).toMatchObject({ rssiDbm: -51, ber: 7 });
    expect(parseCsq("24,99")).toMatchObject({ rssiDbm: -65, ber: undefined });
    expect(parseCsq("99,99")).toMatchObject({ rssiDbm: undefined, ber: undefined, rssi: 99 });
    expect(() => parseCsq("40,0")).toThrow(AtError);
    expect(() => parseCsq("x")).toThrow(AtError);
  });

  it("registration: query and URC layouts", () => {
    expect(parseRegistration("0,1")).toMatchObject({ status: "home", registered: true });
    expect(parseRegistration('2,5,"1A2B","01C3D4E5",7')).toMatchObject({
      status: "roaming",
      registered: true,
      lac: "1A2B",
      cellId: "01C3D4E5",
    });
    expect(parseRegistration("0,3")).toMatchObject({ status: "denied", registered: false });
    expect(parseRegistration("2", true)).toMatchObject({ status: "searching" });
    expect(() => parseRegistration("0,9")).toThrow(AtError);
  });

  it("SIM, QIOPEN, QIACT, QIGETERROR, QIURC", () => {
    expect(parseCpin("READY")).toBe("READY");
    expect(parseCpin("SIM PIN")).toBe("SIM PIN");
    expect(parseQiopen("0,566")).toEqual({ connectId: 0, error: 566 });
    expect(parseQiact('1,1,1,"10.64.12.7"')).toEqual({ context: 1, active: true, type: 1, ip: "10.64.12.7" });
    expect(parseQigeterror('561,"open PDP context failed"')).toEqual({
      code: 561,
      text: "open PDP context failed",
    });
    expect(parseQiurc('"recv",2')).toEqual({ type: "recv", connectId: 2 });
    expect(parseQiurc('"recv",2,100')).toEqual({ type: "recv", connectId: 2, length: 100 });
    expect(parseQiurc('"closed",1')).toEqual({ type: "closed", connectId: 1 });
    expect(parseQiurc('"pdpdeact",1')).toEqual({ type: "pdpdeact", context: 1 });
    expect(() => parseQiurc('"recv"')).toThrow(AtError);
    expect(() => splitParams('"unterminated')).toThrow(AtError);
  });

  it("error tables", () => {
    expect(decodeCmeError("10")).toEqual({ code: 10, text: "SIM not inserted" });
    expect(decodeCmeError("SIM PIN required")).toEqual({ code: 11, text: "SIM PIN required" });
    expect(decodeCmeError("something odd")).toEqual({ text: "something odd" });
    expect(tcpIpErrorText(566)).toBe("socket connect failed");
    expect(tcpIpErrorText(561)).toBe("open PDP context failed");
  });
});
