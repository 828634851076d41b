import { z } from "zod";
import { KeyLoadError } from "./key-load-error.js";

/**
 * The file a key-injection facility hands over: the keys for one terminal as TR-31 key blocks under
 * the KBPK shared with that terminal, each with its public check value. Holds no clear key.
 */
const blockSchema = z.strictObject({
  slot: z.enum(["tmk", "dukpt"]),
  tr31: z.string().min(16),
  kcv: z.string().regex(/^[0-9A-Fa-f]{4,10}$/, { error: "expected a hex check value of 2 to 5 bytes" }),
  ksn: z
    .string()
    .regex(/^([0-9A-Fa-f]{2}){8,12}$/, { error: "expected a hex KSN" })
    .optional(),
});

const fileSchema = z.strictObject({
  terminalId: z.string().regex(/^[0-9A-Za-z]{8}$/, { error: "expected an 8-character terminal ID" }),
  blocks: z.array(blockSchema).min(1, { error: "expected at least one key block" }),
});

export type KeyLoadingFile = z.infer<typeof fileSchema>;
export type KeyLoadingBlock = z.infer<typeof blockSchema>;
export type KeyLoadSlot = KeyLoadingBlock["slot"];

/** Validates parsed JSON; the message names the first field at fault. */
export function parseKeyLoadingFile(json: unknown, source: string): KeyLoadingFile {
  const result = fileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("") ?? "";
    throw new KeyLoadError(`${source}: ${path.replace(/^\./, "") || "top level"}: ${issue?.message}`);
  }
  const slots = result.data.blocks.map((b) => b.slot);
  const repeated = slots.find((slot, i) => slots.indexOf(slot) !== i);
  if (repeated) throw new KeyLoadError(`${source}: more than one block for slot ${repeated}`);
  return result.data;
}
