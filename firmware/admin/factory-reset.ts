import { existsSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../../drivers/storage/atomic-file.js";
import { Journal } from "../journal/journal.js";
import { AdminError } from "./admin-error.js";
import { storageLayout } from "./storage-layout.js";
import { UserStore, type UserStoreOptions } from "./user-store.js";

/** What factory reset needs of the journal: whether money would be lost, and to let go of the file. */
export interface ResettableJournal {
  readonly path: string;
  unsettled(): readonly { status: string }[];
  currentSettlement(): unknown;
  close(): void;
}

/** What factory reset needs of the key store (KeyStore.erase: the device key and the sealed slots). */
export interface ErasableKeys {
  erase(): void;
}

export interface FactoryResetOptions {
  storageDir: string;
  keys: ErasableKeys;
  /** The open journal (closed and deleted here), or its path when nothing has it open (opened to check). */
  journal: ResettableJournal | string;
  /** Unsettled transactions will be lost: say so explicitly, or settle first. */
  confirmUnsettledLoss?: boolean;
  /** The configuration file and what it becomes (see factorySettings). */
  config?: { path: string; factory: unknown };
  /** For the first-boot user file (tests lower scrypt's N). */
  users?: UserStoreOptions;
}

export interface FactoryResetResult {
  /** Transactions that were still unsettled (0 unless confirmUnsettledLoss). */
  unsettledLost: number;
}

/** Rows that still carry money the acquirer has not settled; declined and failed ones carry none. */
const NO_MONEY = new Set(["declined", "failed"]);

/**
 * 重置: back to the first-boot state. Keys are erased (device key first: every sealed blob becomes
 * useless even if a later step fails), the journal and its WAL and the print spool are deleted, the
 * configuration returns to its factory form, the users to their expired default passwords. Refused
 * while money is unsettled or a settlement is half-way, unless the loss is confirmed.
 */
export async function factoryReset(options: FactoryResetOptions): Promise<FactoryResetResult> {
  const layout = storageLayout(options.storageDir);
  const journalPath = typeof options.journal === "string" ? options.journal : options.journal.path;
  // Given only the path (the terminal is not running), open the file to see what it still owes.
  const journal =
    typeof options.journal !== "string"
      ? options.journal
      : existsSync(journalPath)
        ? Journal.open(journalPath)
        : undefined;
  let unsettledLost = 0;
  if (journal) {
    unsettledLost = journal.unsettled().filter((r) => !NO_MONEY.has(r.status)).length;
    const open = journal.currentSettlement() !== undefined;
    if ((unsettledLost > 0 || open) && !options.confirmUnsettledLoss) {
      if (typeof options.journal === "string") journal.close();
      throw new AdminError(
        "unsettled",
        open
          ? "a settlement is in progress: finish it, or confirm that unsettled transactions will be lost"
          : `${unsettledLost} unsettled transaction(s): settle first, or confirm that they will be lost`,
      );
    }
    journal.close();
  }
  options.keys.erase();
  for (const file of [journalPath, `${journalPath}-wal`, `${journalPath}-shm`]) rmSync(file, { force: true });
  rmSync(layout.spool, { recursive: true, force: true });
  if (options.config) {
    writeFileAtomic(
      options.config.path,
      Buffer.from(`${JSON.stringify(options.config.factory, null, 2)}\n`),
      0o600,
    );
  }
  await UserStore.resetToFirstBoot(layout.users, options.users);
  return { unsettledLost };
}
