import { type Modulation, Pn532CommandCode, type Pn532CommandName } from "./commands.js";
import { Pn532Error } from "./pn532-error.js";
import { decodeStatus, type Pn532Status } from "./status.js";
import {
  decodeTargetA,
  decodeTargetB,
  encodeTargetA,
  encodeTargetB,
  type TargetA,
  type TargetB,
} from "./targets.js";

/**
 * Response payloads (PD0 = command + 1), built by the emulator and parsed by the host. Every parser
 * checks the response code first: libnfc rejects a reply whose code is not last_command + 1.
 */

export interface FirmwareVersion {
  /** 0x32 for a PN532. */
  ic: number;
  version: number;
  revision: number;
  support: { iso14443a: boolean; iso14443b: boolean; iso18092: boolean };
}

export type ListedTargets =
  | { modulation: "A106"; targets: TargetA[] }
  | { modulation: "B106"; targets: TargetB[] };

export interface DataExchangeReply {
  status: Pn532Status;
  data: Buffer;
}

/** The response code a reply to `command` carries. */
export function responseCode(command: Pn532CommandName): number {
  return Pn532CommandCode[command] + 1;
}

function expectCode(payload: Buffer, command: Pn532CommandName): void {
  if (payload.length === 0)
    throw new Pn532Error("empty response", { path: `${command} response`, offset: 0 });
  if (payload[0] !== responseCode(command)) {
    throw new Pn532Error(
      `response code ${payload[0]!.toString(16).toUpperCase().padStart(2, "0")} is not ${responseCode(command).toString(16).toUpperCase()}`,
      { path: `${command} response`, offset: 0 },
    );
  }
}

function expectLength(payload: Buffer, count: number, command: Pn532CommandName): void {
  if (payload.length !== count) {
    throw new Pn532Error(`needs ${count} bytes, got ${payload.length}`, {
      path: `${command} response`,
      offset: Math.min(count, payload.length),
    });
  }
}

export function encodeFirmwareVersion(fw: FirmwareVersion): Buffer {
  const support =
    (fw.support.iso14443a ? 1 : 0) | (fw.support.iso14443b ? 2 : 0) | (fw.support.iso18092 ? 4 : 0);
  return Buffer.from([responseCode("GetFirmwareVersion"), fw.ic, fw.version, fw.revision, support]);
}

export function parseFirmwareVersion(payload: Buffer): FirmwareVersion {
  expectCode(payload, "GetFirmwareVersion");
  expectLength(payload, 5, "GetFirmwareVersion");
  const support = payload[4]!;
  return {
    ic: payload[1]!,
    version: payload[2]!,
    revision: payload[3]!,
    support: {
      iso14443a: (support & 1) !== 0,
      iso14443b: (support & 2) !== 0,
      iso18092: (support & 4) !== 0,
    },
  };
}

/** Replies with no parameters: SAMConfiguration (15), RFConfiguration (33), SetParameters (13). */
export function encodeEmptyResponse(command: Pn532CommandName): Buffer {
  return Buffer.from([responseCode(command)]);
}

export function parseEmptyResponse(payload: Buffer, command: Pn532CommandName): void {
  expectCode(payload, command);
  expectLength(payload, 1, command);
}

/** Replies that are just a status byte: InRelease (53), InDeselect (45), Diagnose 06 (01). */
export function encodeStatusResponse(command: Pn532CommandName, status: number): Buffer {
  return Buffer.from([responseCode(command), status]);
}

export function parseStatusResponse(payload: Buffer, command: Pn532CommandName): Pn532Status {
  expectCode(payload, command);
  expectLength(payload, 2, command);
  return decodeStatus(payload[1]!);
}

export function encodeListedTargets(listed: ListedTargets): Buffer {
  const parts =
    listed.modulation === "A106" ? listed.targets.map(encodeTargetA) : listed.targets.map(encodeTargetB);
  if (parts.length > 2) throw new Pn532Error("at most 2 targets", { path: "InListPassiveTarget.NbTg" });
  return Buffer.concat([Buffer.from([responseCode("InListPassiveTarget"), parts.length]), ...parts]);
}

/** The reply to InListPassiveTarget; the modulation polled says how to read the target data. */
export function parseListedTargets(payload: Buffer, modulation: Modulation): ListedTargets {
  expectCode(payload, "InListPassiveTarget");
  if (payload.length < 2) {
    throw new Pn532Error("missing NbTg", { path: "InListPassiveTarget response.NbTg", offset: 1 });
  }
  const count = payload[1]!;
  if (count > 2) {
    throw new Pn532Error(`NbTg ${count} exceeds 2`, { path: "InListPassiveTarget response.NbTg", offset: 1 });
  }
  let offset = 2;
  const targetsA: TargetA[] = [];
  const targetsB: TargetB[] = [];
  for (let i = 0; i < count; i++) {
    if (modulation === "A106") {
      const { target, next } = decodeTargetA(payload, offset);
      targetsA.push(target);
      offset = next;
    } else {
      const { target, next } = decodeTargetB(payload, offset);
      targetsB.push(target);
      offset = next;
    }
  }
  if (offset !== payload.length) {
    throw new Pn532Error(`${payload.length - offset} unexpected bytes after the targets`, {
      path: "InListPassiveTarget response",
      offset,
    });
  }
  return modulation === "A106" ? { modulation, targets: targetsA } : { modulation, targets: targetsB };
}

export function encodeDataExchangeReply(status: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([responseCode("InDataExchange"), status]), data]);
}

export function parseDataExchangeReply(payload: Buffer): DataExchangeReply {
  expectCode(payload, "InDataExchange");
  if (payload.length < 2)
    throw new Pn532Error("missing status", { path: "InDataExchange response.Status", offset: 1 });
  return { status: decodeStatus(payload[1]!), data: Buffer.from(payload.subarray(2)) };
}
