import type { ApduChannel } from "../shared/apdu-channel.js";
import { CardNotResponding } from "./kernel-error.js";

export interface CardResponse {
  data: Buffer;
  sw: number;
}

/**
 * One exchange with the card. A channel failure (mute, removed, reader fault) becomes CardNotResponding,
 * which is what allows a magstripe fallback; an abort from the terminal is passed through untouched.
 */
export async function exchange(
  channel: ApduChannel,
  apdu: Buffer,
  command: string,
  signal?: AbortSignal,
): Promise<CardResponse> {
  signal?.throwIfAborted();
  try {
    const response = await channel.transmit(apdu, signal ? { signal } : undefined);
    return { data: Buffer.from(response.data), sw: response.sw };
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new CardNotResponding(command, error);
  }
}
