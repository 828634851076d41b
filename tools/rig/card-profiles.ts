import { z } from "zod";
import { TrackError, type TrackNumber, trackCodes } from "../../protocol/track/index.js";
import { parseRigData, readJsonFile } from "./json-file.js";
import { RigDataError } from "./rig-error.js";
import type { ScriptedCardProfile } from "./virtual-card.js";

/**
 * The rig's card profile file: a JSON array of ScriptedCardProfile (tools/rig/virtual-card.ts). Checked
 * here so a bad entry fails at `posctl rig start`, naming the entry and field, not mid-transaction.
 */

const HEX = /^([0-9A-Fa-f]{2})*$/;

function hexBytes(what: string, lengths: { min?: number; max?: number; exactly?: readonly number[] } = {}) {
  return z
    .string()
    .regex(HEX, `${what} must be hex, whole bytes`)
    .superRefine((value, ctx) => {
      const n = value.length / 2;
      if (lengths.exactly && !lengths.exactly.includes(n)) {
        ctx.addIssue({ code: "custom", message: `must be ${lengths.exactly.join(", ")} bytes, got ${n}` });
      } else if (lengths.min !== undefined && n < lengths.min) {
        ctx.addIssue({ code: "custom", message: `must be at least ${lengths.min} bytes, got ${n}` });
      } else if (lengths.max !== undefined && n > lengths.max) {
        ctx.addIssue({ code: "custom", message: `must be at most ${lengths.max} bytes, got ${n}` });
      }
    });
}

/** Track text between the sentinels, in the track's character set and length (protocol/track). */
function trackText(track: TrackNumber) {
  return z.string().superRefine((value, ctx) => {
    try {
      trackCodes(Buffer.from(value, "latin1"), track);
    } catch (error) {
      if (!(error instanceof TrackError)) throw error;
      // The field already names the track; keep the offset.
      ctx.addIssue({ code: "custom", message: error.message.replace(/^track \d(, |: )/, "") });
    }
  });
}

export const cardNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, "must be 1..40 letters, digits, '.', '_' or '-'");

export const cardProfileSchema = z.strictObject({
  name: cardNameSchema,
  /** ISO 7816-3 ATR: TS, T0 … at most 33 bytes. */
  atr: hexBytes("atr", { min: 2, max: 33 }).optional(),
  contactless: z
    .strictObject({
      uid: hexBytes("uid", { exactly: [4, 7, 10] }),
      atqa: hexBytes("atqa", { exactly: [2] }),
      sak: z.number().int().min(0).max(255),
      ats: hexBytes("ats", { min: 1, max: 20 }),
    })
    .optional(),
  tracks: z
    .strictObject({
      track1: trackText(1).optional(),
      track2: trackText(2).optional(),
      track3: trackText(3).optional(),
    })
    .optional(),
  /** Command prefix (hex) → response (hex, ending in the status word). */
  responses: z.record(hexBytes("command prefix", { min: 1 }), hexBytes("response", { min: 2 })).default({}),
});

export const cardProfileFileSchema = z.array(cardProfileSchema).superRefine((cards, ctx) => {
  const seen = new Set<string>();
  cards.forEach((card, index) => {
    if (seen.has(card.name)) {
      ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate card name "${card.name}"` });
    }
    seen.add(card.name);
  });
});

/** Validates card profiles already in memory; `source` names them in errors (a file name). */
export function parseCardProfiles(value: unknown, source = "cards"): ScriptedCardProfile[] {
  const cards = parseRigData(cardProfileFileSchema, value, source);
  if (cards.length === 0) throw new RigDataError(source, "holds no cards");
  return cards;
}

/** Reads and validates a card profile file. */
export function loadCardProfiles(file: string): ScriptedCardProfile[] {
  return parseCardProfiles(readJsonFile(file), file);
}
