import type { ContactCardReader } from "../../drivers/contact/contact-reader.js";
import type { MagStripeReader } from "../../drivers/magstripe/magstripe-reader.js";
import type { ContactlessReader } from "../../drivers/nfc/contactless-reader.js";
import type { CardInput, CardInputMode, CodeScanner } from "./card-input.js";

export interface CardReaders {
  magstripe?: MagStripeReader;
  contact?: ContactCardReader;
  nfc?: ContactlessReader;
  scanner?: CodeScanner;
}

export interface WatchOptions {
  /** Which inputs this transaction accepts (chip-required rules remove "swipe" until a fallback). */
  modes: readonly CardInputMode[];
  signal: AbortSignal;
  /** One RF poll's length before checking the other readers again (ms). */
  pollMs?: number;
  /** Called when the RF field saw two cards: the UI says "present one card". */
  onCollision?: () => void;
}

class Aborted extends Error {}

/**
 * Waits for the first card or code on any allowed reader: a swipe, an insertion (or a card already in the
 * slot), a card activated by an RF poll, a scan. The losers are stopped when one wins or `signal` aborts.
 */
export async function waitForCardInput(readers: CardReaders, options: WatchOptions): Promise<CardInput> {
  const local = new AbortController();
  const stop = () => local.abort();
  options.signal.addEventListener("abort", stop, { once: true });
  const allowed = new Set(options.modes);
  const waits: Promise<CardInput>[] = [];
  const cleanups: (() => void)[] = [];
  const { magstripe, contact, nfc, scanner } = readers;

  if (magstripe && allowed.has("swipe")) {
    waits.push(
      (async () => {
        for await (const swipe of magstripe.swipes(local.signal)) return { mode: "swipe", swipe } as const;
        throw new Aborted();
      })(),
    );
  }
  if (contact && allowed.has("insert")) {
    waits.push(
      (async () => {
        if (contact.cardPresent) return { mode: "insert" } as const;
        for await (const event of contact.cardEvents(local.signal)) {
          if (event.type === "inserted") return { mode: "insert" } as const;
        }
        throw new Aborted();
      })(),
    );
  }
  if (nfc && allowed.has("tap")) {
    waits.push(
      (async () => {
        while (!local.signal.aborted) {
          const found = await nfc.poll({ timeoutMs: options.pollMs ?? 300, signal: local.signal });
          if (found.type === "A" || found.type === "B") return { mode: "tap" } as const;
          if (found.type === "collision") options.onCollision?.();
        }
        throw new Aborted();
      })(),
    );
  }
  if (scanner && allowed.has("qr")) {
    waits.push(
      new Promise<CardInput>((resolve, reject) => {
        const off = scanner.onScan((code) => resolve({ mode: "qr", code: Buffer.from(code) }));
        cleanups.push(off);
        local.signal.addEventListener("abort", () => reject(new Aborted()), { once: true });
      }),
    );
  }
  if (waits.length === 0) throw new Error(`no reader for ${[...allowed].join(", ") || "any input"}`);
  // A loser that fails after the winner (aborted iterators) must not surface as an unhandled rejection.
  for (const w of waits) w.catch(() => undefined);
  try {
    return await Promise.any(waits);
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason ?? new Error("cancelled");
    const first = (error as AggregateError).errors?.find((e) => !(e instanceof Aborted));
    throw first ?? error;
  } finally {
    local.abort();
    options.signal.removeEventListener("abort", stop);
    for (const off of cleanups) off();
  }
}
