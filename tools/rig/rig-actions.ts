import { z } from "zod";
import { cardNameSchema } from "./card-profiles.js";
import { parseRigData } from "./json-file.js";
import { RigDataError } from "./rig-error.js";

/**
 * What can be done to a running rig, as data: the control socket's requests and a script's steps carry
 * the same actions, named after the Rig methods (`{"action":"tap","card":"cup-debit"}`).
 */

const card = cardNameSchema;
const stripeFault = z.strictObject({
  track: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  kind: z.enum(["parity", "lrc", "partial"]),
});

export const rigActionSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("insert"), card }),
  z.strictObject({
    action: z.literal("tap"),
    card,
    /** RF operations (polls, APDUs, presence checks) the card answers before it leaves; default: until removed. */
    operations: z.number().int().min(1).max(100_000).optional(),
    /** Leave the cards already in the field there (two cards: a collision). */
    alongside: z.boolean().optional(),
  }),
  z.strictObject({
    action: z.literal("swipe"),
    card,
    /** Heads that read; default every track on the card. */
    tracks: z
      .array(z.union([z.literal(1), z.literal(2), z.literal(3)]))
      .min(1)
      .optional(),
    fault: z.union([stripeFault, z.array(stripeFault)]).optional(),
    reverse: z.boolean().optional(),
  }),
  z.strictObject({ action: z.literal("remove") }),
  z.strictObject({
    action: z.literal("enterPin"),
    digits: z.string().regex(/^\d{1,16}$/, "must be 1..16 digits"),
  }),
  z.strictObject({ action: z.literal("cancelPin") }),
  z.strictObject({ action: z.literal("timeoutPin") }),
  z.strictObject({ action: z.literal("paperOut") }),
  z.strictObject({ action: z.literal("paperIn") }),
  z.strictObject({ action: z.literal("paperNearEnd") }),
  z.strictObject({ action: z.literal("coverOpen") }),
  z.strictObject({ action: z.literal("coverClose") }),
  z.strictObject({ action: z.literal("simMissing") }),
  z.strictObject({ action: z.literal("simInserted") }),
  z.strictObject({ action: z.literal("dropPdp") }),
  z.strictObject({ action: z.literal("rebootModem") }),
  z.strictObject({ action: z.literal("tamper") }),
  z.strictObject({ action: z.literal("rekeyPinPad") }),
  z.strictObject({
    action: z.literal("pressKey"),
    key: z.string().regex(/^[a-z]{1,16}$/, "must be a key name"),
  }),
  z.strictObject({ action: z.literal("status") }),
  z.strictObject({ action: z.literal("printerText") }),
]);

export type RigAction = z.infer<typeof rigActionSchema>;
export type RigActionName = RigAction["action"];
export const RIG_ACTION_NAMES: readonly RigActionName[] = rigActionSchema.options.map(
  (option) => option.shape.action.value,
);

/**
 * Validates one action (`{ action, ...args }`); `where` names it in errors. Argument errors are reported
 * under `argsWhere` (a script's `[2].args`, the control request itself).
 */
export function parseRigAction(value: Record<string, unknown>, where: string, argsWhere = where): RigAction {
  const name = value.action;
  if (typeof name !== "string" || !(RIG_ACTION_NAMES as readonly string[]).includes(name)) {
    throw new RigDataError(
      `${where}.action`,
      `unknown action ${JSON.stringify(name)} (one of ${RIG_ACTION_NAMES.join(", ")})`,
    );
  }
  return parseRigData(rigActionSchema, value, argsWhere);
}
