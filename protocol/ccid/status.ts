/**
 * bStatus and bError of RDR_to_PC replies (CCID 1.1 §6.2.6; codes as LudovicRousseau/CCID src/ccid.c
 * `ccid_error`). bStatus: bits 0-1 bmICCStatus, bits 6-7 bmCommandStatus.
 */
export type IccStatus = "active" | "inactive" | "absent" | "rfu";
export type CommandStatus = "ok" | "failed" | "time-extension" | "rfu";

export interface SlotState {
  icc: IccStatus;
  command: CommandStatus;
  /** bError: on failure the error code; on time extension the BWT/WWT multiplier. */
  error: number;
}

const ICC: IccStatus[] = ["active", "inactive", "absent", "rfu"];
const COMMAND: CommandStatus[] = ["ok", "failed", "time-extension", "rfu"];

export const BSTATUS_FAILED = 0x40;
export const BSTATUS_TIME_EXTENSION = 0x80;
export const ICC_ACTIVE = 0x00;
export const ICC_INACTIVE = 0x01;
export const ICC_ABSENT = 0x02;

export function decodeSlotState(bStatus: number, bError: number): SlotState {
  return { icc: ICC[bStatus & 0x03]!, command: COMMAND[(bStatus >> 6) & 0x03]!, error: bError };
}

export function encodeBStatus(
  icc: Exclude<IccStatus, "rfu">,
  command: Exclude<CommandStatus, "rfu">,
): number {
  return ICC.indexOf(icc) | (COMMAND.indexOf(command) << 6);
}

/** Slot error codes (bError when bmCommandStatus = failed). */
export const CCID_ERROR = {
  CMD_ABORTED: 0xff,
  ICC_MUTE: 0xfe,
  XFR_PARITY_ERROR: 0xfd,
  XFR_OVERRUN: 0xfc,
  HW_ERROR: 0xfb,
  BAD_ATR_TS: 0xf8,
  BAD_ATR_TCK: 0xf7,
  ICC_PROTOCOL_NOT_SUPPORTED: 0xf6,
  ICC_CLASS_NOT_SUPPORTED: 0xf5,
  PROCEDURE_BYTE_CONFLICT: 0xf4,
  DEACTIVATED_PROTOCOL: 0xf3,
  BUSY_WITH_AUTO_SEQUENCE: 0xf2,
  PIN_TIMEOUT: 0xf0,
  PIN_CANCELLED: 0xef,
  CMD_SLOT_BUSY: 0xe0,
  CMD_NOT_SUPPORTED: 0x00,
} as const;

const ERROR_TEXT: Record<number, string> = {
  255: "command aborted by the host",
  254: "card absent or mute (no ATR)",
  253: "parity error on the card line",
  252: "overrun on the card line",
  251: "reader hardware error",
  248: "bad ATR TS byte",
  247: "bad ATR TCK",
  246: "card protocol not supported",
  245: "card voltage class not supported",
  244: "procedure byte conflict",
  243: "deactivated protocol",
  242: "busy with automatic sequence",
  240: "PIN entry timeout",
  239: "PIN entry cancelled",
  224: "slot busy with another command",
  0: "command not supported",
};

/** Human text for bError (1..127: index of the offending header parameter). */
export function ccidErrorText(bError: number): string {
  const known = ERROR_TEXT[bError];
  if (known) return known;
  if (bError >= 1 && bError <= 0x7f) return `bad parameter at header offset ${bError}`;
  return `reader error 0x${bError.toString(16).toUpperCase().padStart(2, "0")}`;
}
