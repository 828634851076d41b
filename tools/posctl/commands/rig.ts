import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { loadCardProfiles } from "../../rig/card-profiles.js";
import { type ControlReply, RigNotRunningError, sendRigRequest } from "../../rig/control-client.js";
import { readJsonFile } from "../../rig/json-file.js";
import { Rig, type RigStatus } from "../../rig/rig.js";
import { RigError } from "../../rig/rig-error.js";
import { loadScript, type ParsedStep } from "../../rig/script.js";
import { action, UsageError } from "../cli-error.js";
import { choiceFlag, integerFlag } from "../options.js";
import { untilSignal } from "../until-signal.js";

/** `posctl rig start` options as commander hands them over. */
export interface RigStartOptions {
  dir?: string;
  cards?: string;
  script?: string;
  /** Printed lines are also appended here (a slip you can `tail -f`). */
  slips?: string;
}

export interface RigStartEnvironment {
  stdout: Writable;
  stderr?: Writable;
  /** Where the latest rig's directory is recorded for commands without --dir; false: not recorded. */
  pointerFile?: string | false;
}

export interface RunningRig {
  rig: Rig;
  /** The --script run, when one was given (settles when it ends; never rejects). */
  script?: Promise<void>;
  shutdown(): Promise<void>;
}

/** Requests other than `run` get an answer at once from a live rig. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The file naming the most recently started rig's directory (per user). */
export function defaultPointerFile(): string {
  return join(tmpdir(), `posctl-rig-${process.getuid?.() ?? "user"}.dir`);
}

/** Rig data errors are bad input: exit 2, one line. */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Starts the rig on pseudo-terminals and prints, one per line: `device <name> <path>` for each device,
 * `config <json>` (the devices section of a terminal config), then `ready`. A --script runs after that.
 */
export async function startRig(options: RigStartOptions, env: RigStartEnvironment): Promise<RunningRig> {
  const cards = options.cards ? asUsage(() => loadCardProfiles(options.cards!)) : undefined;
  const steps: ParsedStep[] | undefined = options.script
    ? asUsage(() => loadScript(options.script!))
    : undefined;
  let rig: Rig;
  try {
    rig = await Rig.start({
      transport: "pty",
      ...(options.dir ? { dir: resolve(options.dir) } : {}),
      ...(cards ? { cards } : {}),
      ...(options.slips ? { printer: { outputFile: resolve(options.slips) } } : {}),
    });
  } catch (error) {
    if (error instanceof RigError) throw new UsageError(error.message);
    throw error;
  }
  const paths = rig.paths();
  for (const [device, path] of Object.entries(paths)) env.stdout.write(`device ${device} ${path}\n`);
  env.stdout.write(`config ${JSON.stringify(rig.deviceConfig())}\n`);
  const pointer = env.pointerFile === undefined ? defaultPointerFile() : env.pointerFile;
  if (pointer) recordRigDir(pointer, rig.dir!);
  env.stdout.write("ready\n");
  const stopScripts = new AbortController();
  const script = steps
    ? rig.runScript(steps, { signal: stopScripts.signal }).then(
        () => void env.stdout.write(`script done (${steps.length} steps)\n`),
        (error: Error) => void (env.stderr ?? process.stderr).write(`posctl: ${error.message}\n`),
      )
    : undefined;
  return {
    rig,
    ...(script ? { script } : {}),
    async shutdown() {
      stopScripts.abort();
      await script;
      await rig.stop();
      if (pointer) forgetRigDir(pointer, rig.dir!);
    },
  };
}

/** Runs the rig until SIGINT or SIGTERM, then stops it cleanly (socat gone, links removed). */
export async function runRig(
  options: RigStartOptions,
  io: RigStartEnvironment & { signals: NodeJS.EventEmitter } = {
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
  },
): Promise<void> {
  const running = await startRig(options, io);
  await untilSignal(io.signals);
  await running.shutdown();
}

/** Written to a temp name and renamed over the pointer: never through a planted symlink. */
function recordRigDir(pointer: string, dir: string): void {
  const temp = `${pointer}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${dir}\n`, { mode: 0o600, flag: "wx" });
    renameSync(temp, pointer);
  } catch {
    // Without the pointer, commands need --dir; the rig itself runs fine.
    rmSync(temp, { force: true });
  }
}

function forgetRigDir(pointer: string, dir: string): void {
  if (readPointer(pointer) === dir) rmSync(pointer, { force: true });
}

function readPointer(pointer: string): string | undefined {
  try {
    const stat = lstatSync(pointer);
    if (!stat.isFile() || (process.getuid && stat.uid !== process.getuid())) return undefined;
    return readFileSync(pointer, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** --dir, else $POSCTL_RIG_DIR, else the last rig started by this user. */
export function resolveRigDir(dir: string | undefined, pointer = defaultPointerFile()): string {
  const found = dir ?? process.env.POSCTL_RIG_DIR ?? readPointer(pointer);
  if (!found) throw new UsageError("no rig running (none started; give --dir DIR of a running rig)");
  return resolve(found);
}

/** One request to the running rig; a refusal or no rig at all is exit 2 with the rig's one line. */
export async function rigRequest(
  dir: string | undefined,
  request: Record<string, unknown>,
  timeoutMs: number | undefined = REQUEST_TIMEOUT_MS,
): Promise<Extract<ControlReply, { ok: true }>> {
  const where = resolveRigDir(dir);
  let reply: ControlReply;
  try {
    reply = await sendRigRequest(where, request, timeoutMs === undefined ? {} : { timeoutMs });
  } catch (error) {
    if (error instanceof RigNotRunningError) throw new UsageError(error.message);
    throw error;
  }
  if (!reply.ok) throw new UsageError(reply.error);
  return reply;
}

const CARD_MOVES = ["insert", "tap", "swipe", "remove"] as const;
const PRINTER_ACTIONS = {
  "paper-out": "paperOut",
  "paper-in": "paperIn",
  "near-end": "paperNearEnd",
  "cover-open": "coverOpen",
  "cover-close": "coverClose",
  text: "printerText",
} as const;
const MODEM_ACTIONS = {
  "sim-missing": "simMissing",
  "sim-inserted": "simInserted",
  "pdp-drop": "dropPdp",
  reboot: "rebootModem",
} as const;

interface CardOptions {
  dir?: string;
  operations?: string;
  alongside?: boolean;
  tracks?: string;
  fault?: string[];
  reverse?: boolean;
}

function cardRequest(move: string, name: string | undefined, options: CardOptions): Record<string, unknown> {
  const verb = choiceFlag(move, "card action", CARD_MOVES);
  if (verb === "remove") {
    if (name !== undefined) throw new UsageError("card remove takes no card name (every card comes out)");
    return { action: "remove" };
  }
  if (name === undefined) throw new UsageError(`card ${verb} needs a card name`);
  const request: Record<string, unknown> = { action: verb, card: name };
  if (verb === "tap") {
    if (options.operations !== undefined) {
      request.operations = integerFlag(options.operations, "--operations", { min: 1, max: 100_000 });
    }
    if (options.alongside) request.alongside = true;
  }
  if (verb === "swipe") {
    if (options.tracks !== undefined) {
      request.tracks = options.tracks
        .split(",")
        .map((t) => integerFlag(t.trim(), "--tracks", { min: 1, max: 3 }));
    }
    if (options.fault && options.fault.length > 0) {
      request.fault = options.fault.map((text) => {
        const [track, kind] = text.split(":");
        return {
          track: integerFlag(track ?? "", "--fault track", { min: 1, max: 3 }),
          kind: choiceFlag(kind ?? "", "--fault kind", ["parity", "lrc", "partial"] as const),
        };
      });
    }
    if (options.reverse) request.reverse = true;
  }
  return request;
}

function statusLines(status: RigStatus): string[] {
  const lines = [`transport ${status.transport}`];
  if (status.dir) lines.push(`dir ${status.dir}`);
  for (const [device, port] of Object.entries(status.devices)) {
    lines.push(`device ${device} ${port.path} ${port.baudRate}`);
  }
  lines.push(
    status.contact.inserted
      ? `contact inserted ${status.contact.inserted}${status.contact.powered ? " (powered)" : ""}`
      : "contact empty",
  );
  lines.push(
    status.nfc.inField.length > 0 ? `nfc in-field ${status.nfc.inField.join(" ")}` : "nfc field empty",
  );
  const pad = status.pinpad;
  lines.push(
    `pinpad ${pad.sessionOpen ? "session-open" : "closed"}${pad.promptingForPin ? " prompting-for-pin" : ""}`,
  );
  const p = status.printer;
  lines.push(
    `printer ${p.online ? "online" : "offline"} paper ${p.paper} cover ${p.coverOpen ? "open" : "closed"} slips ${p.slipsPrinted} lines ${p.linesPrinted}`,
  );
  lines.push(
    `modem sim ${status.modem.simPresent ? "present" : "missing"} pdp ${status.modem.pdpActive ? "active" : "inactive"}`,
  );
  return lines;
}

/** `posctl rig …`: the device rig on pseudo-terminals, and the hands that move its cards. */
export function registerRig(program: Command): void {
  const rig = program
    .command("rig")
    .description("device rig: emulated PIN pad, readers, printer, modem on ptys");
  const dirOption = [
    "--dir <dir>",
    "the rig's directory (default: $POSCTL_RIG_DIR, else the last rig started)",
  ] as const;

  rig
    .command("start")
    .description(
      "start every emulator on socat ptys; prints `device NAME PATH` lines, `config JSON`, `ready`",
    )
    .option("--dir <dir>", "directory for the device links and control.sock (default: a new temp dir)")
    .option("--cards <file>", "JSON card profiles, replacing the built-in cards")
    .option("--script <file>", "JSON script of card/PIN/printer steps to run once ready")
    .option("--slips <file>", "append every printed line to this file")
    .action(action((options: RigStartOptions) => runRig(options)));

  rig
    .command("card")
    .description("insert, tap or swipe a card by name, or remove every card")
    .argument("<action>", "insert | tap | swipe | remove")
    .argument("[name]", "card name (see `posctl rig status`)")
    .option(...dirOption)
    .option(
      "--operations <n>",
      "tap: RF operations the card answers before it leaves (default: until removed)",
    )
    .option("--alongside", "tap: leave the cards already in the field (a collision)")
    .option("--tracks <list>", "swipe: heads that read, e.g. 2 or 1,2")
    .option("--fault <track:kind>", "swipe: damage a track (parity, lrc, partial); repeatable", collect, [])
    .option("--reverse", "swipe: the other way round")
    .action(
      action(async (move: string, name: string | undefined, options: CardOptions) => {
        await rigRequest(options.dir, cardRequest(move, name, options));
      }),
    );

  rig
    .command("pin")
    .description("the cardholder at the PIN pad: digits + Enter, or `cancel`, or `timeout`")
    .argument("<digits>", "the PIN (test PINs only), or cancel, or timeout")
    .option(...dirOption)
    .action(
      action(async (digits: string, options: { dir?: string }) => {
        if (digits === "cancel" || digits === "timeout") {
          await rigRequest(options.dir, { action: digits === "cancel" ? "cancelPin" : "timeoutPin" });
          return;
        }
        if (!/^\d{1,16}$/.test(digits))
          throw new UsageError("the PIN must be 1..16 digits, or cancel, or timeout");
        await rigRequest(options.dir, { action: "enterPin", digits });
      }),
    );

  rig
    .command("printer")
    .description("the operator at the printer, or the slip text printed so far")
    .argument("<action>", Object.keys(PRINTER_ACTIONS).join(" | "))
    .option(...dirOption)
    .action(
      action(async (what: string, options: { dir?: string }) => {
        const key = choiceFlag(
          what,
          "printer action",
          Object.keys(PRINTER_ACTIONS) as (keyof typeof PRINTER_ACTIONS)[],
        );
        const reply = await rigRequest(options.dir, { action: PRINTER_ACTIONS[key] });
        if (key === "text") process.stdout.write(`${String(reply.text ?? "")}\n`);
      }),
    );

  rig
    .command("modem")
    .description("the SIM and the network: sim-missing, sim-inserted, pdp-drop, reboot")
    .argument("<action>", Object.keys(MODEM_ACTIONS).join(" | "))
    .option(...dirOption)
    .action(
      action(async (what: string, options: { dir?: string }) => {
        const key = choiceFlag(
          what,
          "modem action",
          Object.keys(MODEM_ACTIONS) as (keyof typeof MODEM_ACTIONS)[],
        );
        await rigRequest(options.dir, { action: MODEM_ACTIONS[key] });
      }),
    );

  rig
    .command("run")
    .description("run a JSON script of steps {at?, action, args} on the running rig; returns when it ends")
    .argument("<script>", "script file")
    .option(...dirOption)
    .action(
      action(async (file: string, options: { dir?: string }) => {
        // Checked here first, so a bad step names the file rather than the request.
        const steps = asUsage(() => {
          loadScript(file);
          return readJsonFile(file);
        });
        const reply = await rigRequest(options.dir, { action: "runScript", steps }, undefined);
        process.stdout.write(`script done (${String(reply.steps)} steps)\n`);
      }),
    );

  rig
    .command("status")
    .description("devices, cards in the slot and the field, PIN pad, printer (slips printed), modem")
    .option(...dirOption)
    .option("--json", "the status as one JSON object")
    .action(
      action(async (options: { dir?: string; json?: boolean }) => {
        const reply = await rigRequest(options.dir, { action: "status" });
        const status = reply.status as RigStatus;
        process.stdout.write(
          options.json ? `${JSON.stringify(status)}\n` : `${statusLines(status).join("\n")}\n`,
        );
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
