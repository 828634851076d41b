import type { TransactionRecord } from "./transaction-record.js";

/**
 * The label of every journal commit, handed to `onCommit` right after the commit: power-cut tests kill
 * the process at the Nth commit and name where it stopped by these labels, so they are deterministic.
 *   schema:create         a new journal file got its tables (once, inside Journal.open)
 *   insert                a row was written (write-ahead, before the request leaves)
 *   update:<field>        a row was changed; <field> is the most telling field the patch touches (below)
 *   counter:stan          a STAN was handed out (committed before it is returned)
 *   counter:batch         the batch number was set from sign-in or advanced
 *   receipt:save          an e-receipt copy was stored
 *   settlement:begin      a settlement run was opened with the terminal's totals
 *   settlement:update     the open run moved stage or got the host's answer
 *   settlement:upload     rows were flagged as sent in the batch upload
 *   settlement:close      rows settled + run closed + batch advanced, one commit
 */
export const COMMIT_POINTS = [
  "schema:create",
  "insert",
  "counter:stan",
  "counter:batch",
  "receipt:save",
  "settlement:begin",
  "settlement:update",
  "settlement:upload",
  "settlement:close",
] as const;

/** Which field names an update, most telling first; other fields follow in record order. */
const UPDATE_PRIORITY: readonly (keyof TransactionRecord)[] = [
  "status",
  "reversal",
  "settlement",
  "uploaded",
  "advice",
  "copiesPrinted",
];

/** "update:status" for a patch touching status (whatever else it touches), "update:reversal", … */
export function updatePoint(patchKeys: readonly string[], recordOrder: readonly string[]): string {
  const named =
    UPDATE_PRIORITY.find((key) => patchKeys.includes(key)) ??
    recordOrder.find((key) => key !== "updatedAt" && patchKeys.includes(key)) ??
    "updatedAt";
  return `update:${named}`;
}
