import { FieldReader, FieldWriter } from "../fields.js";
import { type PinPadCommand, type PinPadResponse, singleBlock } from "../message.js";

/**
 * GIN with ACQIDX "00": the pad's general information, a fixed 100-byte block
 * MNAME A20 | MODEL A19 | CTLSSUP A1 ("C" = contactless reader built in) | SOVER A20 (firmware) |
 * SPECVER A4 ("2.12") | MANVER A16 | SERNUM A20.
 */
export interface PinPadDeviceInfo {
  manufacturer: string;
  model: string;
  contactless: boolean;
  firmware: string;
  specVersion: string;
  manufacturerVersion: string;
  serialNumber: string;
}

export const GIN_INFO_LENGTH = 100;

export function deviceInfoCommand(): PinPadCommand {
  return { id: "GIN", blocks: [Buffer.from("00", "latin1")] };
}

/** The ACQIDX asked for (only 00, general information, is answered by this profile). */
export function decodeDeviceInfoCommand(command: PinPadCommand): number {
  const reader = new FieldReader(singleBlock(command, true)!, 6);
  const index = reader.numeric("GIN.ACQIDX", 2);
  reader.end("GIN");
  return index;
}

export function deviceInfoResponse(info: PinPadDeviceInfo): PinPadResponse {
  const block = new FieldWriter()
    .alphanumeric("GIN.MNAME", info.manufacturer, 20)
    .alphanumeric("GIN.MODEL", info.model, 19)
    .alphanumeric("GIN.CTLSSUP", info.contactless ? "C" : " ", 1)
    .alphanumeric("GIN.SOVER", info.firmware, 20)
    .alphanumeric("GIN.SPECVER", info.specVersion, 4)
    .alphanumeric("GIN.MANVER", info.manufacturerVersion, 16)
    .alphanumeric("GIN.SERNUM", info.serialNumber, 20)
    .toBuffer();
  return { id: "GIN", status: 0, blocks: [block] };
}

export function decodeDeviceInfo(response: PinPadResponse): PinPadDeviceInfo {
  const reader = new FieldReader(singleBlock(response, true)!, 9);
  const info: PinPadDeviceInfo = {
    manufacturer: reader.alphanumeric("GIN.MNAME", 20),
    model: reader.alphanumeric("GIN.MODEL", 19),
    contactless: reader.alphanumeric("GIN.CTLSSUP", 1) === "C",
    firmware: reader.alphanumeric("GIN.SOVER", 20),
    specVersion: reader.alphanumeric("GIN.SPECVER", 4),
    manufacturerVersion: reader.alphanumeric("GIN.MANVER", 16),
    serialNumber: reader.alphanumeric("GIN.SERNUM", 20),
  };
  reader.end("GIN");
  return info;
}
