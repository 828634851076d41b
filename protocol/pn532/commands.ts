import { Pn532Error } from "./pn532-error.js";

/** Command codes (UM0701 §7); the PN532's response code is always command + 1. */
export const Pn532CommandCode = {
  Diagnose: 0x00,
  GetFirmwareVersion: 0x02,
  SetParameters: 0x12,
  SAMConfiguration: 0x14,
  RFConfiguration: 0x32,
  InDataExchange: 0x40,
  InDeselect: 0x44,
  InListPassiveTarget: 0x4a,
  InRelease: 0x52,
} as const;

export type Pn532CommandName = keyof typeof Pn532CommandCode;

/** Largest DataOut of one InDataExchange (UM0701 §7.3.8); longer APDUs are sent in MI-chained pieces. */
export const MAX_DATA_EXCHANGE_OUT = 262;

/** Diagnose test number for the ISO 14443-4 card presence check (libnfc pn53x_Diagnose06). */
export const DIAGNOSE_CARD_PRESENCE = 0x06;

/** SAMConfiguration modes: 1 = normal (no SAM) is what a terminal without a SAM uses. */
export const SamMode = { normal: 0x01, virtualCard: 0x02, wiredCard: 0x03, dualCard: 0x04 } as const;

/** InListPassiveTarget BrTy: the modulations a payment terminal polls. */
export type Modulation = "A106" | "B106";
const BRTY: Record<Modulation, number> = { A106: 0x00, B106: 0x03 };

export type RfConfigurationItem =
  /** Item 01: bit1 RF field on, bit0 auto RF collision avoidance. */
  | { item: "field"; rfOn: boolean; autoRfca: boolean }
  /** Item 02: RFU, ATR_RES timeout, retry timeout (codes: 0x0A = 51.2 ms, 0x0B = 102.4 ms). */
  | { item: "timings"; atrResTimeout: number; retryTimeout: number }
  /** Item 04: MaxRtyCOM, retries of InDataExchange on a timeout. */
  | { item: "maxRtyCom"; retries: number }
  /** Item 05: MxRtyATR, MxRtyPSL, MxRtyPassiveActivation (0xFF = forever: libnfc's default, not ours). */
  | { item: "maxRetries"; atr: number; psl: number; passiveActivation: number };

/** A host command, as the host builds it and as the emulator parses it. */
export type Pn532Command =
  | { command: "GetFirmwareVersion" }
  | { command: "SAMConfiguration"; mode: number; timeout?: number; irq?: number }
  | { command: "RFConfiguration"; config: RfConfigurationItem }
  | { command: "SetParameters"; flags: number }
  | { command: "InListPassiveTarget"; maxTargets: number; modulation: Modulation; initiatorData: Buffer }
  | { command: "InDataExchange"; target: number; moreInformation: boolean; data: Buffer }
  | { command: "InRelease"; target: number }
  | { command: "InDeselect"; target: number }
  | { command: "Diagnose"; test: number; params: Buffer };

function byte(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new Pn532Error(`must be a byte, got ${value}`, { path });
  }
  return value;
}

function target(value: number, path: string, allowAll: boolean): number {
  if (!Number.isInteger(value) || value < (allowAll ? 0 : 1) || value > 0x3f) {
    throw new Pn532Error(`target number must be ${allowAll ? 0 : 1}..63, got ${value}`, { path });
  }
  return value;
}

/** The payload (PD0..PDn, PD0 = command code) of a host command; frame it with encodeCommandFrame. */
export function encodeCommand(command: Pn532Command): Buffer {
  const code = Pn532CommandCode[command.command];
  switch (command.command) {
    case "GetFirmwareVersion":
      return Buffer.from([code]);
    case "SAMConfiguration": {
      const bytes = [code, byte(command.mode, "SAMConfiguration.mode")];
      if (command.timeout !== undefined) bytes.push(byte(command.timeout, "SAMConfiguration.timeout"));
      if (command.irq !== undefined) {
        if (command.timeout === undefined) {
          throw new Pn532Error("IRQ needs a timeout before it", { path: "SAMConfiguration.irq" });
        }
        bytes.push(byte(command.irq, "SAMConfiguration.irq"));
      }
      return Buffer.from(bytes);
    }
    case "RFConfiguration":
      return Buffer.from([code, ...encodeRfItem(command.config)]);
    case "SetParameters":
      return Buffer.from([code, byte(command.flags, "SetParameters.flags")]);
    case "InListPassiveTarget": {
      if (command.maxTargets !== 1 && command.maxTargets !== 2) {
        throw new Pn532Error(`MaxTg must be 1 or 2, got ${command.maxTargets}`, {
          path: "InListPassiveTarget.MaxTg",
        });
      }
      return Buffer.concat([
        Buffer.from([code, command.maxTargets, BRTY[command.modulation]]),
        command.initiatorData,
      ]);
    }
    case "InDataExchange": {
      if (command.data.length > MAX_DATA_EXCHANGE_OUT) {
        throw new Pn532Error(
          `DataOut of ${command.data.length} bytes exceeds ${MAX_DATA_EXCHANGE_OUT}; chain with MI`,
          {
            path: "InDataExchange.DataOut",
          },
        );
      }
      const tg = target(command.target, "InDataExchange.Tg", false) | (command.moreInformation ? 0x40 : 0);
      return Buffer.concat([Buffer.from([code, tg]), command.data]);
    }
    case "InRelease":
    case "InDeselect":
      return Buffer.from([code, target(command.target, `${command.command}.Tg`, true)]);
    case "Diagnose":
      return Buffer.concat([Buffer.from([code, byte(command.test, "Diagnose.NumTst")]), command.params]);
  }
}

function encodeRfItem(config: RfConfigurationItem): number[] {
  switch (config.item) {
    case "field":
      return [0x01, (config.rfOn ? 0x02 : 0) | (config.autoRfca ? 0x01 : 0)];
    case "timings":
      return [
        0x02,
        0x00,
        byte(config.atrResTimeout, "RFConfiguration.timings.ATR_RES"),
        byte(config.retryTimeout, "RFConfiguration.timings.retry"),
      ];
    case "maxRtyCom":
      return [0x04, byte(config.retries, "RFConfiguration.MaxRtyCOM")];
    case "maxRetries":
      return [
        0x05,
        byte(config.atr, "RFConfiguration.MxRtyATR"),
        byte(config.psl, "RFConfiguration.MxRtyPSL"),
        byte(config.passiveActivation, "RFConfiguration.MxRtyPassiveActivation"),
      ];
  }
}

/** Reads exactly `count` parameter bytes, or says which command was cut short or overlong. */
function expectLength(payload: Buffer, count: number, path: string): void {
  if (payload.length < count) {
    throw new Pn532Error(`needs ${count} bytes, got ${payload.length}`, { path, offset: payload.length });
  }
  if (payload.length > count) {
    throw new Pn532Error(`${payload.length - count} unexpected bytes`, { path, offset: count });
  }
}

/** Parses a host command payload (the emulator's side). Unknown or malformed commands: Pn532Error. */
export function parseCommand(payload: Buffer): Pn532Command {
  if (payload.length === 0) throw new Pn532Error("empty command", { path: "command", offset: 0 });
  const code = payload[0]!;
  switch (code) {
    case Pn532CommandCode.GetFirmwareVersion:
      expectLength(payload, 1, "GetFirmwareVersion");
      return { command: "GetFirmwareVersion" };
    case Pn532CommandCode.SAMConfiguration: {
      if (payload.length < 2 || payload.length > 4) {
        throw new Pn532Error(`needs 2..4 bytes, got ${payload.length}`, {
          path: "SAMConfiguration",
          offset: payload.length,
        });
      }
      const command: Pn532Command = { command: "SAMConfiguration", mode: payload[1]! };
      if (payload.length > 2) command.timeout = payload[2]!;
      if (payload.length > 3) command.irq = payload[3]!;
      return command;
    }
    case Pn532CommandCode.RFConfiguration:
      return { command: "RFConfiguration", config: parseRfItem(payload) };
    case Pn532CommandCode.SetParameters:
      expectLength(payload, 2, "SetParameters");
      return { command: "SetParameters", flags: payload[1]! };
    case Pn532CommandCode.InListPassiveTarget: {
      if (payload.length < 3) {
        throw new Pn532Error(`needs at least 3 bytes, got ${payload.length}`, {
          path: "InListPassiveTarget",
          offset: payload.length,
        });
      }
      const maxTargets = payload[1]!;
      if (maxTargets !== 1 && maxTargets !== 2) {
        throw new Pn532Error(`MaxTg must be 1 or 2, got ${maxTargets}`, {
          path: "InListPassiveTarget.MaxTg",
          offset: 1,
        });
      }
      const brty = payload[2]!;
      const modulation = (Object.keys(BRTY) as Modulation[]).find((m) => BRTY[m] === brty);
      if (!modulation) {
        throw new Pn532Error(`unsupported BrTy ${brty}`, { path: "InListPassiveTarget.BrTy", offset: 2 });
      }
      return {
        command: "InListPassiveTarget",
        maxTargets,
        modulation,
        initiatorData: Buffer.from(payload.subarray(3)),
      };
    }
    case Pn532CommandCode.InDataExchange: {
      if (payload.length < 2) throw new Pn532Error("missing Tg", { path: "InDataExchange.Tg", offset: 1 });
      const tg = payload[1]!;
      if (payload.length - 2 > MAX_DATA_EXCHANGE_OUT) {
        throw new Pn532Error(`DataOut of ${payload.length - 2} bytes exceeds ${MAX_DATA_EXCHANGE_OUT}`, {
          path: "InDataExchange.DataOut",
          offset: 2 + MAX_DATA_EXCHANGE_OUT,
        });
      }
      if ((tg & 0x3f) === 0 || (tg & 0x80) !== 0) {
        throw new Pn532Error(`bad Tg byte ${tg}`, { path: "InDataExchange.Tg", offset: 1 });
      }
      return {
        command: "InDataExchange",
        target: tg & 0x3f,
        moreInformation: (tg & 0x40) !== 0,
        data: Buffer.from(payload.subarray(2)),
      };
    }
    case Pn532CommandCode.InRelease:
    case Pn532CommandCode.InDeselect: {
      const name = code === Pn532CommandCode.InRelease ? "InRelease" : "InDeselect";
      expectLength(payload, 2, name);
      if (payload[1]! > 0x3f) throw new Pn532Error(`bad Tg ${payload[1]}`, { path: `${name}.Tg`, offset: 1 });
      return { command: name, target: payload[1]! };
    }
    case Pn532CommandCode.Diagnose:
      if (payload.length < 2) throw new Pn532Error("missing NumTst", { path: "Diagnose.NumTst", offset: 1 });
      return { command: "Diagnose", test: payload[1]!, params: Buffer.from(payload.subarray(2)) };
    default:
      throw new Pn532Error(`unsupported command code ${code.toString(16).toUpperCase().padStart(2, "0")}`, {
        path: "command",
        offset: 0,
      });
  }
}

function parseRfItem(payload: Buffer): RfConfigurationItem {
  const item = payload[1];
  switch (item) {
    case 0x01:
      expectLength(payload, 3, "RFConfiguration.field");
      if ((payload[2]! & 0xfc) !== 0) {
        throw new Pn532Error(`reserved bits set in ${payload[2]}`, {
          path: "RFConfiguration.field",
          offset: 2,
        });
      }
      return { item: "field", rfOn: (payload[2]! & 0x02) !== 0, autoRfca: (payload[2]! & 0x01) !== 0 };
    case 0x02:
      expectLength(payload, 5, "RFConfiguration.timings");
      return { item: "timings", atrResTimeout: payload[3]!, retryTimeout: payload[4]! };
    case 0x04:
      expectLength(payload, 3, "RFConfiguration.MaxRtyCOM");
      return { item: "maxRtyCom", retries: payload[2]! };
    case 0x05:
      expectLength(payload, 5, "RFConfiguration.maxRetries");
      return { item: "maxRetries", atr: payload[2]!, psl: payload[3]!, passiveActivation: payload[4]! };
    default:
      throw new Pn532Error(`unsupported CfgItem ${item}`, { path: "RFConfiguration.CfgItem", offset: 1 });
  }
}

/** Convenience builders for the commands a terminal sends (payloads, frame them with encodeCommandFrame). */
export const commands = {
  getFirmwareVersion: () => encodeCommand({ command: "GetFirmwareVersion" }),
  samConfigurationNormal: (timeout?: number, irq?: number) =>
    encodeCommand({
      command: "SAMConfiguration",
      mode: SamMode.normal,
      ...(timeout === undefined ? {} : { timeout }),
      ...(irq === undefined ? {} : { irq }),
    }),
  rfConfiguration: (config: RfConfigurationItem) => encodeCommand({ command: "RFConfiguration", config }),
  inListPassiveTarget: (modulation: Modulation, maxTargets = 1, afi = 0x00) =>
    encodeCommand({
      command: "InListPassiveTarget",
      maxTargets,
      modulation,
      initiatorData:
        modulation === "B106" ? Buffer.from([byte(afi, "InListPassiveTarget.AFI")]) : Buffer.alloc(0),
    }),
  inDataExchange: (tg: number, data: Buffer, moreInformation = false) =>
    encodeCommand({ command: "InDataExchange", target: tg, moreInformation, data }),
  inRelease: (tg: number) => encodeCommand({ command: "InRelease", target: tg }),
  inDeselect: (tg: number) => encodeCommand({ command: "InDeselect", target: tg }),
  cardPresence: () =>
    encodeCommand({ command: "Diagnose", test: DIAGNOSE_CARD_PRESENCE, params: Buffer.alloc(0) }),
};
