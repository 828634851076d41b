import { join } from "node:path";
import { USER_FILE } from "./user-store.js";

/** Where the terminal keeps its state under `storage.dir` (the same names TerminalApp opens). */
export interface StorageLayout {
  dir: string;
  journal: string;
  keysDir: string;
  deviceKey: string;
  users: string;
  spool: string;
}

export function storageLayout(dir: string): StorageLayout {
  return {
    dir,
    journal: join(dir, "journal.db"),
    keysDir: join(dir, "keys"),
    deviceKey: join(dir, "keys", "device.key"),
    users: join(dir, USER_FILE),
    spool: join(dir, "spool"),
  };
}
