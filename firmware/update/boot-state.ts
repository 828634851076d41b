import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { UpdateError } from "./update-error.js";

export type SlotName = "a" | "b";

/**
 * boot.json: which slot runs, which one is on trial and how many trial boots it has left.
 * `active` only changes when a trial slot proves healthy, so rolling back is just dropping `trial`.
 */
export interface BootState {
  active: SlotName | null;
  trial: SlotName | null;
  trialBootsLeft: number;
  versions: Record<SlotName, string | null>;
}

const Slot = z.enum(["a", "b"]);
const BootStateSchema = z.strictObject({
  format: z.literal(1),
  active: Slot.nullable(),
  trial: Slot.nullable(),
  trialBootsLeft: z.int().min(0),
  versions: z.strictObject({ a: z.string().nullable(), b: z.string().nullable() }),
});

export const BOOT_STATE_FILE = "boot.json";

/** A terminal fresh from the factory line: nothing installed through this path yet. */
export const EMPTY_BOOT_STATE: BootState = {
  active: null,
  trial: null,
  trialBootsLeft: 0,
  versions: { a: null, b: null },
};

export function otherSlot(slot: SlotName): SlotName {
  return slot === "a" ? "b" : "a";
}

export function readBootState(dir: string): BootState {
  let text: string;
  try {
    text = readFileSync(join(dir, BOOT_STATE_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return structuredClone(EMPTY_BOOT_STATE);
    throw error;
  }
  let parsed: z.infer<typeof BootStateSchema>;
  try {
    parsed = BootStateSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new UpdateError("bad-state", `${BOOT_STATE_FILE} is unreadable`, { cause: error });
  }
  const { format: _format, ...state } = parsed;
  return state;
}

/** Replaces boot.json atomically: after a power cut it is the old state or the new one. */
export function writeBootState(dir: string, state: BootState): void {
  const body = JSON.stringify({ format: 1, ...state }, null, 2);
  writeFileAtomic(join(dir, BOOT_STATE_FILE), Buffer.from(`${body}\n`, "utf8"), 0o644);
}
