import type { Command } from "commander";
import {
  collectDiagnostics,
  type Diagnostics,
  diagnosticsText,
} from "../../../firmware/provisioning/index.js";
import { RigTerminal } from "../../terminal/rig-terminal.js";
import { requireFlag } from "../options.js";
import { terminalDir } from "./admin.js";
import { keyGuard } from "./keys.js";

interface DiagFlags {
  dir?: string;
  config?: string;
  log?: string;
  json?: boolean;
  rig?: boolean;
}

/** A live self-test: what the running terminal's devices answer. */
export interface LiveSelfTest {
  faults: { device: string; message: string; fatal: boolean }[];
  devices: Record<string, unknown>;
  keys: { slot: string; kcv: string }[];
}

const STEP_MS = 5_000;

/** One device question, bounded: a silent device is reported, not waited on forever. */
async function ask(what: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      what(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${STEP_MS} ms`)), STEP_MS);
      }),
    ]);
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Boots a rig terminal, runs its self-test, asks each device for its identity/state, and stops it. */
export async function rigSelfTest(): Promise<LiveSelfTest> {
  const terminal = await RigTerminal.start({ logLevel: "silent" });
  try {
    const faults = await terminal.app.selfTest();
    const { pinpad, printer, modem, contact, magstripe, nfc } = terminal.app.devices;
    const devices: Record<string, unknown> = {};
    if (pinpad) devices.pinpad = await ask(() => pinpad.info());
    if (printer) devices.printer = await ask(() => printer.status());
    if (modem) devices.modem = await ask(() => modem.signalQuality());
    for (const [name, present] of [
      ["contact", contact],
      ["magstripe", magstripe],
      ["nfc", nfc],
    ] as const) {
      if (present) devices[name] = faults.some((f) => f.device === name) ? "fault" : "ok";
    }
    const keys = terminal.app.keys.status().map((s) => ({ slot: s.slot, kcv: s.kcv }));
    return { faults: faults.map((f) => ({ ...f })), devices, keys };
  } finally {
    await terminal.stop();
  }
}

function selfTestText(live: LiveSelfTest): string {
  const lines = ["live self-test (rig terminal):"];
  lines.push(live.faults.length === 0 ? "  faults    none" : "  faults");
  for (const f of live.faults) lines.push(`    ${f.device}${f.fatal ? " (fatal)" : ""}: ${f.message}`);
  for (const [name, info] of Object.entries(live.devices))
    lines.push(`  ${name.padEnd(9)} ${JSON.stringify(info)}`);
  for (const k of live.keys) lines.push(`  key       ${k.slot} KCV ${k.kcv}`);
  return `${lines.join("\n")}\n`;
}

/** `posctl diag`: a terminal's state from its files (no running process needed), and a rig self-test. */
export function registerDiag(program: Command): void {
  program
    .command("diag")
    .description("diagnostics from a terminal's files: key check values, journal, settlement, config, errors")
    .option("--dir <dir>", "the terminal's storage directory (or the directory holding terminal.json)")
    .option("--config <file>", "the terminal's config file (default: <dir>/terminal.json when there)")
    .option("--log <file>", "the terminal's log file: show its last errors")
    .option("--json", "print JSON instead of text")
    .option("--rig", "also boot a rig terminal and run its live self-test")
    .action(
      keyGuard(async (flags: DiagFlags) => {
        const found = terminalDir(requireFlag(flags.dir, "--dir"));
        const configPath = flags.config ?? found.configPath;
        const report: Diagnostics & { live?: LiveSelfTest } = collectDiagnostics({
          storageDir: found.layout.dir,
          ...(configPath ? { configPath } : {}),
          ...(flags.log ? { logPath: flags.log } : {}),
        });
        if (flags.rig) report.live = await rigSelfTest();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        process.stdout.write(diagnosticsText(report));
        if (report.live) process.stdout.write(selfTestText(report.live));
      }),
    );
}
