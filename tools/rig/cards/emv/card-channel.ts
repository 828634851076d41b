import type { ApduChannel } from "../../../../firmware/emv/shared/apdu-channel.js";
import type { VirtualCard } from "../../virtual-card.js";

/** A virtual card as the kernels' APDU channel (no reader in between: whole responses, no T=0 chains). */
export function cardChannel(card: VirtualCard): ApduChannel {
  return {
    async transmit(apdu, options) {
      options?.signal?.throwIfAborted();
      const response = card.transmit(Buffer.from(apdu));
      return { data: Buffer.from(response.subarray(0, -2)), sw: response.readUInt16BE(response.length - 2) };
    },
  };
}
