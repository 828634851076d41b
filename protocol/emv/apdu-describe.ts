import { toHex } from "../hex.js";
import type { CommandApdu } from "../iso7816/apdu.js";
import { emvTag } from "../tlv/emv-tags.js";
import { parseGenerateAcP1 } from "./cid.js";

/** A command APDU as a person reads it: the EMV command name and its decoded parameters. */
export interface CommandDescription {
  name: string;
  /** Decoded P1/P2/data, e.g. "SFI 1 record 2", "ARQC, CDA signature requested". */
  details: string;
  /** False when the data field is secret (PIN blocks): print the header only. */
  showData: boolean;
}

/** Command names by INS for the interindustry (CLA 0x) and proprietary/EMV (CLA 8x) classes. */
const BY_INS: Record<number, string> = {
  164: "SELECT",
  178: "READ RECORD",
  176: "READ BINARY",
  136: "INTERNAL AUTHENTICATE",
  130: "EXTERNAL AUTHENTICATE",
  132: "GET CHALLENGE",
  32: "VERIFY",
  192: "GET RESPONSE",
  202: "GET DATA",
  168: "GET PROCESSING OPTIONS",
  174: "GENERATE AC",
  30: "APPLICATION BLOCK",
  24: "APPLICATION UNBLOCK",
  22: "CARD BLOCK",
  36: "PIN CHANGE/UNBLOCK",
  218: "PUT DATA",
  220: "UPDATE RECORD",
  112: "MANAGE CHANNEL",
  42: "COMPUTE CRYPTOGRAPHIC CHECKSUM",
};

/** Decodes an EMV command APDU for traces. Never throws on a well-formed short APDU. */
export function describeEmvCommand(apdu: CommandApdu): CommandDescription {
  const name = BY_INS[apdu.ins] ?? `UNKNOWN (CLA ${hex(apdu.cla)} INS ${hex(apdu.ins)})`;
  const data = apdu.data === undefined ? Buffer.alloc(0) : Buffer.from(apdu.data);
  const le = apdu.le === undefined ? "" : ` (Le ${apdu.le})`;
  const describe = (details: string, showData = true): CommandDescription => ({
    name,
    details: `${details}${le}`,
    showData,
  });
  switch (apdu.ins) {
    case 0xa4: {
      const by = apdu.p1 === 0x04 ? "by DF name" : `P1 ${hex(apdu.p1)}`;
      const occurrence = (apdu.p2 & 0x03) === 0x02 ? "next occurrence" : "first occurrence";
      const target = isPrintable(data) ? `"${data.toString("latin1")}"` : toHex(data);
      return describe(`${by}, ${occurrence}: ${target || "(no name)"}`);
    }
    case 0xb2: {
      const mode = (apdu.p2 & 0x07) === 0x04 ? "" : ` (P2 mode ${apdu.p2 & 0x07})`;
      return describe(`SFI ${apdu.p2 >> 3} record ${apdu.p1}${mode}`);
    }
    case 0xa8: {
      const pdol =
        data[0] === 0x83 ? `PDOL data ${data[1] ?? 0} bytes` : `${data.length} bytes (no 83 template)`;
      return describe(pdol);
    }
    case 0xae: {
      const { type, cda } = parseGenerateAcP1(apdu.p1);
      return describe(`${type}${cda ? " CDA" : ""}, CDOL data ${data.length} bytes`);
    }
    case 0x88:
      return describe(`DDOL data ${data.length} bytes`);
    case 0x82:
      return describe(`issuer authentication data ${data.length} bytes`);
    case 0x84:
      return describe(
        apdu.cla & 0x80 ? `secure messaging, ${data.length} bytes` : "8-byte unpredictable number",
      );
    case 0x20: {
      const kind =
        apdu.p2 === 0x80
          ? "plaintext offline PIN"
          : apdu.p2 === 0x88
            ? "enciphered offline PIN"
            : `P2 ${hex(apdu.p2)}`;
      return describe(`${kind}, PIN data hidden`, false);
    }
    case 0xc0:
      return describe("fetch the pending response");
    case 0xca:
    case 0xda: {
      const tag = toHex(Buffer.from([apdu.p1, apdu.p2])).replace(/^00/, "");
      const tagName = emvTag(tag)?.name;
      return describe(`tag ${tag}${tagName ? ` ${tagName}` : ""}`, apdu.ins === 0xca);
    }
    case 0xdc:
      return describe(`SFI ${apdu.p2 >> 3} record ${apdu.p1}, ${data.length} bytes`, false);
    default:
      return describe(
        `P1 ${hex(apdu.p1)} P2 ${hex(apdu.p2)}${data.length ? `, ${data.length} data bytes` : ""}`,
      );
  }
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}

function isPrintable(value: Buffer): boolean {
  return value.length > 0 && value.every((byte) => byte >= 0x20 && byte < 0x7f);
}
