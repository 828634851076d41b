import { ApduError } from "./iso7816-error.js";

/**
 * Short command APDUs (ISO/IEC 7816-4 §5.1): case 1 `CLA INS P1 P2`, case 2 `… Le`, case 3 `… Lc Data`,
 * case 4 `… Lc Data Le`. Lc 1..255; Le 1..256 (sent as 00 for 256). Extended length is not used by EMV.
 */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (case 3/4), 1..255 bytes. */
  data?: Uint8Array;
  /** Expected response length (case 2/4), 1..256. */
  le?: number;
}

export type ApduCase = 1 | 2 | 3 | 4;

/** A response APDU split into its data field and status word (0x9000 …). */
export interface ApduResponse {
  data: Buffer;
  sw: number;
}

function header(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new ApduError(`must be a byte 0..255, got ${value}`, { path });
  }
  return value;
}

export function apduCase(apdu: CommandApdu): ApduCase {
  const hasData = apdu.data !== undefined && apdu.data.length > 0;
  const hasLe = apdu.le !== undefined;
  return hasData ? (hasLe ? 4 : 3) : hasLe ? 2 : 1;
}

export function buildApdu(apdu: CommandApdu): Buffer {
  const bytes = [
    header(apdu.cla, "CLA"),
    header(apdu.ins, "INS"),
    header(apdu.p1, "P1"),
    header(apdu.p2, "P2"),
  ];
  const data = apdu.data ?? Buffer.alloc(0);
  if (data.length > 255)
    throw new ApduError(`${data.length} data bytes exceed 255 (short APDU)`, { path: "Lc" });
  if (apdu.le !== undefined && (!Number.isInteger(apdu.le) || apdu.le < 1 || apdu.le > 256)) {
    throw new ApduError(`must be 1..256, got ${apdu.le}`, { path: "Le" });
  }
  const out = [...bytes];
  if (data.length > 0) out.push(data.length, ...data);
  if (apdu.le !== undefined) out.push(apdu.le & 0xff);
  return Buffer.from(out);
}

/** Parses a short command APDU, telling the four cases apart by length. */
export function parseCommandApdu(input: Uint8Array): CommandApdu & { case: ApduCase } {
  const buf = Buffer.from(input);
  if (buf.length < 4) {
    throw new ApduError(`command of ${buf.length} bytes is shorter than CLA INS P1 P2`, {
      path: "header",
      offset: buf.length,
    });
  }
  const base = { cla: buf[0]!, ins: buf[1]!, p1: buf[2]!, p2: buf[3]! };
  if (buf.length === 4) return { ...base, case: 1 };
  const b5 = buf[4]!;
  if (buf.length === 5) return { ...base, le: b5 === 0 ? 256 : b5, case: 2 };
  if (b5 === 0) throw new ApduError("extended-length APDUs are not supported", { path: "Lc", offset: 4 });
  if (buf.length === 5 + b5) return { ...base, data: Buffer.from(buf.subarray(5)), case: 3 };
  if (buf.length === 6 + b5) {
    const le = buf[5 + b5]!;
    return { ...base, data: Buffer.from(buf.subarray(5, 5 + b5)), le: le === 0 ? 256 : le, case: 4 };
  }
  throw new ApduError(`Lc ${b5} does not match the ${buf.length - 5} bytes that follow`, {
    path: "Lc",
    offset: 4,
  });
}

/** Splits `data ‖ SW1 SW2`. */
export function splitResponse(input: Uint8Array): ApduResponse {
  if (input.length < 2) {
    throw new ApduError(`response of ${input.length} bytes has no status word`, {
      path: "SW1 SW2",
      offset: input.length,
    });
  }
  const n = input.length - 2;
  return { data: Buffer.from(input.subarray(0, n)), sw: (input[n]! << 8) | input[n + 1]! };
}

/** `data ‖ SW1 SW2` (emulators). */
export function joinResponse(response: ApduResponse): Buffer {
  return Buffer.concat([response.data, Buffer.from([response.sw >> 8, response.sw & 0xff])]);
}

/** "9000", "6A82": the status word as four hex digits. */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
