import type { MemoryHidDevice } from "../../../../drivers/hid/memory-hid.js";
import { charToUsage, USAGE_ENTER } from "../../../../drivers/magstripe/keyboard-wedge.js";
import {
  encodeMagtekReport,
  MAGTEK_STATUS,
  MSR_SENTINELS,
  type TrackNumber,
} from "../../../../protocol/track/index.js";
import type { VirtualCard } from "../../virtual-card.js";
import { readStripe, type SwipeOptions } from "./stripe-head.js";

/** A keyboard-wedge reader: types `%…?;…?+…?` then Enter as boot-keyboard press/release reports. */
export class HidWedgeEmulator {
  constructor(
    private readonly device: MemoryHidDevice,
    private readonly options: { reportIdPrefix?: boolean } = {},
  ) {}

  swipe(card: VirtualCard, options: SwipeOptions & { omitEnter?: boolean } = {}): void {
    const parts: Buffer[] = [];
    for (const read of readStripe(card, options)) {
      const body = read.status === "ok" && read.text ? read.text : Buffer.from("E");
      parts.push(Buffer.from([MSR_SENTINELS[read.track]]), body, Buffer.from("?"));
    }
    const text = Buffer.concat(parts);
    this.type(text);
    text.fill(0);
    if (!options.omitEnter) this.key(USAGE_ENTER, false);
  }

  /** Types arbitrary characters (no Enter): for half-typed bursts. */
  type(text: Uint8Array): void {
    for (const ch of text) {
      const key = charToUsage(ch);
      if (key) this.key(key.usage, key.shift);
    }
  }

  private key(usage: number, shift: boolean): void {
    const press = Buffer.from([shift ? 0x02 : 0x00, 0, usage, 0, 0, 0, 0, 0]);
    const release = Buffer.alloc(8);
    this.device.sendReport(this.options.reportIdPrefix ? Buffer.concat([Buffer.from([0]), press]) : press);
    this.device.sendReport(
      this.options.reportIdPrefix ? Buffer.concat([Buffer.from([0]), release]) : release,
    );
  }
}

/** A MagTek reader in HID mode: one 337-byte report per swipe, sentinels included, status 1/2 on errors. */
export class MagtekHidEmulator {
  constructor(private readonly device: MemoryHidDevice) {}

  swipe(card: VirtualCard, options: SwipeOptions = {}): void {
    const fields: Partial<Record<TrackNumber, { status: number; data: Buffer }>> = {};
    for (const read of readStripe(card, options)) {
      fields[read.track] =
        read.status === "ok" && read.text
          ? {
              status: MAGTEK_STATUS.ok,
              data: Buffer.concat([
                Buffer.from([MSR_SENTINELS[read.track] === 0x2b ? 0x3b : MSR_SENTINELS[read.track]]),
                read.text,
                Buffer.from("?"),
              ]),
            }
          : {
              status: read.status === "lrc-error" ? MAGTEK_STATUS.lrc : MAGTEK_STATUS.parity,
              data: Buffer.alloc(0),
            };
      read.text?.fill(0);
    }
    const report = encodeMagtekReport(fields);
    for (const f of Object.values(fields)) f?.data.fill(0);
    this.device.sendReport(report);
    report.fill(0);
  }
}
