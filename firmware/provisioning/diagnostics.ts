import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { storageLayout } from "../admin/index.js";
import { loadTerminalSettings } from "../config/index.js";
import { Journal, TRANSACTION_STATUSES, type TransactionStatus } from "../journal/index.js";
import { FileSecureElement } from "../keys/file-secure-element.js";
import { KeyStore, type SlotStatus } from "../keys/key-store.js";
import { tlsIdentityStatus } from "./tls-identity.js";

/**
 * A terminal's state read from its files, without a running process: key check values (never keys),
 * journal counts, settlement, configuration summary, TLS identity, last errors of the log. Each part
 * reports its own problem instead of failing the whole report: diagnostics run on broken terminals.
 */
export interface Diagnostics {
  storageDir: string;
  keys: { slots: SlotStatus[]; dukpt?: { scheme: string; nextKsn: string }; error?: string };
  journal:
    | {
        present: true;
        total: number;
        byStatus: Record<TransactionStatus, number>;
        unsettled: number;
        pendingReversals: number;
        queuedAdvices: number;
        unprinted: number;
        batch: string;
        lastTransactionAt?: string;
      }
    | { present: false; error?: string };
  settlement?: { batch: string; stage: string; result?: string; updatedAt: string; open: boolean };
  config?:
    | {
        source: string;
        terminalId: string;
        merchantId: string;
        host: string;
        transport: string;
        devices: Record<string, string>;
        receiptCopies: number;
      }
    | { source: string; error: string };
  tls: { keyPresent: boolean; subject?: string; notAfter?: string };
  keyLoads: number;
  lastErrors?: { time?: string; level: string; message: string }[];
}

export interface DiagnosticsOptions {
  storageDir: string;
  configPath?: string;
  logPath?: string;
  /** How many of the log's last errors to show (default 10). */
  errors?: number;
}

const PINO_LEVELS: Record<number, string> = { 40: "warn", 50: "error", 60: "fatal" };

/** The last error/fatal lines of a pino log (JSON lines); other lines are skipped. */
export function lastLogErrors(path: string, count = 10): { time?: string; level: string; message: string }[] {
  const found: { time?: string; level: string; message: string }[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: { level?: unknown; time?: unknown; msg?: unknown; err?: { message?: unknown } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.level !== "number" || entry.level < 50) continue;
    const message = typeof entry.msg === "string" ? entry.msg : "";
    const detail = typeof entry.err?.message === "string" ? `: ${entry.err.message}` : "";
    found.push({
      ...(typeof entry.time === "number" ? { time: new Date(entry.time).toISOString() } : {}),
      level: PINO_LEVELS[entry.level] ?? String(entry.level),
      message: `${message}${detail}`,
    });
  }
  return found.slice(-count);
}

function keyStatus(storageDir: string): Diagnostics["keys"] {
  const layout = storageLayout(storageDir);
  if (!existsSync(join(layout.keysDir, "keys.json"))) return { slots: [] };
  try {
    const store = new KeyStore(layout.keysDir, new FileSecureElement(layout.deviceKey));
    const dukpt = store.dukptStatus();
    return { slots: store.status(), ...(dukpt ? { dukpt } : {}) };
  } catch (error) {
    return { slots: [], error: (error as Error).message };
  }
}

export function collectDiagnostics(options: DiagnosticsOptions): Diagnostics {
  const { storageDir } = options;
  const layout = storageLayout(storageDir);
  let copies = 2;
  let config: Diagnostics["config"];
  if (options.configPath) {
    try {
      const s = loadTerminalSettings(options.configPath);
      copies = s.receipts.copies;
      const devices: Record<string, string> = {};
      for (const [name, device] of Object.entries(s.devices ?? {})) {
        if (device && typeof device === "object") {
          const path = (device as { path?: unknown }).path;
          devices[name] = typeof path === "string" ? path : "(configured)";
        }
      }
      config = {
        source: options.configPath,
        terminalId: s.terminal.terminalId,
        merchantId: s.terminal.merchantId,
        host: `${s.host.host}:${s.host.port}`,
        transport: s.host.transport,
        devices,
        receiptCopies: copies,
      };
    } catch (error) {
      config = { source: options.configPath, error: (error as Error).message };
    }
  }

  let journal: Diagnostics["journal"] = { present: false };
  let settlement: Diagnostics["settlement"];
  if (existsSync(layout.journal)) {
    let db: Journal | undefined;
    try {
      db = Journal.open(layout.journal);
      const records = db.query();
      const byStatus = Object.fromEntries(TRANSACTION_STATUSES.map((s) => [s, 0])) as Record<
        TransactionStatus,
        number
      >;
      for (const r of records) byStatus[r.status]++;
      const last = records.at(-1);
      journal = {
        present: true,
        total: records.length,
        byStatus,
        unsettled: db.unsettled().length,
        pendingReversals: db.pendingReversals().length,
        queuedAdvices: db.queuedAdvices().length,
        unprinted: db.unprinted(copies).length,
        batch: db.batch(),
        ...(last ? { lastTransactionAt: last.createdAt } : {}),
      };
      const run = db.currentSettlement() ?? db.settlementHistory().at(-1);
      if (run) {
        settlement = {
          batch: run.batch,
          stage: run.stage,
          ...(run.result ? { result: run.result } : {}),
          updatedAt: run.updatedAt,
          open: run.stage !== "closed",
        };
      }
    } catch (error) {
      journal = { present: false, error: (error as Error).message };
    } finally {
      db?.close();
    }
  }

  const keyLoadsPath = join(storageDir, "key-loads.jsonl");
  const keyLoads = existsSync(keyLoadsPath)
    ? readFileSync(keyLoadsPath, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "").length
    : 0;

  const report: Diagnostics = {
    storageDir,
    keys: keyStatus(storageDir),
    journal,
    tls: tlsIdentityStatus(storageDir),
    keyLoads,
  };
  if (settlement) report.settlement = settlement;
  if (config) report.config = config;
  if (options.logPath) {
    report.lastErrors = existsSync(options.logPath)
      ? lastLogErrors(options.logPath, options.errors ?? 10)
      : [];
  }
  return report;
}

/** The report as lines of text for an engineer at a console. */
export function diagnosticsText(d: Diagnostics): string {
  const lines: string[] = [`storage   ${d.storageDir}`];
  if (d.config) {
    if ("error" in d.config) lines.push(`config    ${d.config.source}: INVALID: ${d.config.error}`);
    else {
      lines.push(
        `config    ${d.config.source}: terminal ${d.config.terminalId} merchant ${d.config.merchantId}`,
        `host      ${d.config.host} (${d.config.transport})`,
        `devices   ${
          Object.entries(d.config.devices)
            .map(([n, p]) => `${n}=${p}`)
            .join(" ") || "(none)"
        }`,
      );
    }
  }
  if (d.keys.error) lines.push(`keys      ERROR: ${d.keys.error}`);
  else if (d.keys.slots.length === 0 && !d.keys.dukpt) lines.push("keys      none loaded");
  for (const s of d.keys.slots) lines.push(`key       ${s.slot.padEnd(5)} KCV ${s.kcv} (${s.length} bytes)`);
  if (d.keys.dukpt) lines.push(`key       dukpt (${d.keys.dukpt.scheme}) next KSN ${d.keys.dukpt.nextKsn}`);
  lines.push(`key loads ${d.keyLoads} recorded`);
  lines.push(
    `tls       ${d.tls.keyPresent ? "key present" : "no key"}${d.tls.subject ? `, certificate ${d.tls.subject} until ${d.tls.notAfter}` : ""}`,
  );
  const j = d.journal;
  if (!j.present) lines.push(`journal   ${j.error ? `ERROR: ${j.error}` : "none"}`);
  else {
    const statuses = Object.entries(j.byStatus)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    lines.push(
      `journal   ${j.total} transactions (${statuses || "none"}), batch ${j.batch}`,
      `          unsettled ${j.unsettled}, pending reversals ${j.pendingReversals}, queued advices ${j.queuedAdvices}, unprinted slips ${j.unprinted}`,
    );
  }
  if (d.settlement) {
    const s = d.settlement;
    lines.push(
      `settle    batch ${s.batch} ${s.open ? "OPEN" : "closed"} at stage ${s.stage}${s.result ? ` (${s.result})` : ""}, ${s.updatedAt}`,
    );
  }
  if (d.lastErrors) {
    lines.push(`errors    ${d.lastErrors.length === 0 ? "none in the log" : ""}`.trimEnd());
    for (const e of d.lastErrors) lines.push(`          ${e.time ?? ""} ${e.level} ${e.message}`);
  }
  return `${lines.join("\n")}\n`;
}
