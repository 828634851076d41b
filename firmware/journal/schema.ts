import type Database from "better-sqlite3";
import { JournalError } from "./journal-error.js";

/**
 * The journal's tables, versioned with PRAGMA user_version. Version 0 (a new file) is created in one
 * transaction; a version newer than this firmware knows is refused rather than written over, so a
 * downgrade never corrupts a journal holding unsettled money.
 */
export const SCHEMA_VERSION = 1;

const TABLES = `
CREATE TABLE transactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  stan TEXT NOT NULL,
  batch TEXT NOT NULL,
  type TEXT NOT NULL,
  entry_mode TEXT NOT NULL,
  amount INTEGER NOT NULL,
  tip INTEGER NOT NULL,
  currency TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  operator TEXT NOT NULL,
  masked_pan TEXT,
  pan_last4 TEXT,
  pan_cipher BLOB,
  pan_key_kcv TEXT,
  card_org TEXT,
  card_kind TEXT NOT NULL,
  domestic INTEGER NOT NULL,
  expiry TEXT,
  status TEXT NOT NULL,
  settlement TEXT NOT NULL,
  response_code TEXT,
  rrn TEXT,
  auth_code TEXT,
  host_date TEXT,
  host_time TEXT,
  issuer_code TEXT,
  acquirer_code TEXT,
  advice TEXT NOT NULL,
  uploaded INTEGER NOT NULL,
  copies_printed INTEGER NOT NULL,
  signature_required INTEGER NOT NULL,
  order_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  emv TEXT,
  original_stan TEXT,
  original_batch TEXT,
  original_rrn TEXT,
  original_auth_code TEXT,
  original_date TEXT,
  original_journal_id INTEGER,
  reversal_state TEXT,
  reversal_reason TEXT,
  reversal_attempts INTEGER,
  request_fields TEXT
) STRICT;
CREATE INDEX transactions_stan ON transactions (stan, batch);
CREATE INDEX transactions_rrn ON transactions (rrn) WHERE rrn IS NOT NULL;
CREATE INDEX transactions_created ON transactions (created_at);
CREATE INDEX transactions_batch ON transactions (batch, settlement);
CREATE INDEX transactions_last4 ON transactions (pan_last4) WHERE pan_last4 IS NOT NULL;
CREATE INDEX transactions_reversal ON transactions (reversal_state) WHERE reversal_state = 'pending';
CREATE INDEX transactions_advice ON transactions (advice) WHERE advice = 'queued';

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
-- stan holds the last STAN handed out (0: none yet); batch the current batch number.
INSERT INTO counters (name, value) VALUES ('stan', 0), ('batch', 1);

CREATE TABLE receipts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id INTEGER NOT NULL REFERENCES transactions (id),
  copy TEXT NOT NULL,
  text TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  UNIQUE (transaction_id, copy)
) STRICT;

CREATE TABLE settlement_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch TEXT NOT NULL,
  stage TEXT NOT NULL,
  totals TEXT NOT NULL,
  result TEXT,
  response_code TEXT,
  host_totals TEXT,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT
) STRICT;
-- At most one run is open at a time: the one an interrupted settlement resumes.
CREATE UNIQUE INDEX settlement_open ON settlement_runs ((1)) WHERE stage <> 'closed';
`;

/**
 * Brings the database to SCHEMA_VERSION. Returns true when it created the tables (one commit), false
 * when they were already there.
 */
export function ensureSchema(db: Database.Database): boolean {
  const version = db.pragma("user_version", { simple: true });
  if (typeof version !== "number") throw new JournalError("cannot read the schema version", "user_version");
  if (version > SCHEMA_VERSION) {
    throw new JournalError(
      `the journal was written by newer firmware (schema ${version}; this firmware knows ${SCHEMA_VERSION})`,
      "user_version",
    );
  }
  if (version === SCHEMA_VERSION) return false;
  db.transaction(() => {
    db.exec(TABLES);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return true;
}
