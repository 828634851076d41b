import type { CupHeader } from "../../protocol/iso8583/cup/header.js";
import type { Iso8583Message } from "../../protocol/iso8583/spec.js";

/** The slice of firmware/acquirer's AcquirerLink the flows use (a test can stand in for it). */
export interface AcquirerPort {
  exchange(
    body: Buffer,
    expect: { mti: string; stan: string; terminalId: string },
    signal?: AbortSignal,
  ): Promise<{ message: Iso8583Message; body: Buffer; header: CupHeader }>;
}

/** Did the request bytes leave before the exchange failed? Unknown failures count as sent (reverse to be safe). */
export function requestLeft(error: unknown): boolean {
  const sent = (error as { sent?: unknown } | undefined)?.sent;
  return typeof sent === "boolean" ? sent : true;
}
