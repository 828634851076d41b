import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import { encodeStxEtx } from "../../../../protocol/framing/index.js";
import {
  encodeMsrSerialRecord,
  goodTrackRecord,
  type MsrTrackRecord,
} from "../../../../protocol/track/index.js";
import type { VirtualCard } from "../../virtual-card.js";
import { readStripe, type SwipeOptions } from "./stripe-head.js";

/**
 * A serial swipe reader (MagTek RS-232 record with track LRC characters and a block LRC, see
 * protocol/track/msr-serial.ts) on the device end of a ByteLink. Unreadable tracks go out as `SS E ?`;
 * a track read with a bad LRC goes out with the LRC character from the stripe, which the host checks.
 */
export class SerialMsrEmulator {
  constructor(private readonly link: ByteLink) {}

  /** One swipe; returns once the bytes are handed to the link. Two calls without await = two quick swipes. */
  async swipe(card: VirtualCard, options: SwipeOptions = {}): Promise<void> {
    const records: MsrTrackRecord[] = readStripe(card, options).map((read) => {
      if (read.status === "ok" && read.text) return goodTrackRecord(read.track, read.text);
      if (read.status === "lrc-error" && read.text && read.text.length > 0) {
        // The data as read with the stripe's own LRC, which no longer matches it.
        try {
          const good = goodTrackRecord(read.track, read.text);
          return { ...good, lrc: good.lrc ^ 0x01 };
        } catch {
          // fall through to the error mark
        }
      }
      return { track: read.track, error: true, data: Buffer.alloc(0), lrc: 0x3f };
    });
    const payload = encodeMsrSerialRecord(records);
    const frame = encodeStxEtx(payload, { maxDataLength: 260 });
    payload.fill(0);
    for (const r of records) r.data.fill(0);
    await this.link.write(frame);
    frame.fill(0);
  }
}
