import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { TerminalApp, type TerminalAppOptions } from "../../firmware/app/terminal-app.js";
import {
  exampleSettingsInput,
  parseTerminalSettings,
  type TerminalSettingsInput,
} from "../../firmware/config/index.js";
import { FileSecureElement } from "../../firmware/keys/file-secure-element.js";
import { KeyStore } from "../../firmware/keys/key-store.js";
import { CapkStore } from "../../protocol/emv/index.js";
import { fromHex } from "../../protocol/hex.js";
import { DEFAULT_MERCHANT_ID, DEFAULT_TERMINAL_ID, DEFAULT_TMK_HEX } from "../host-sim/default-cards.js";
import { HostSimulator, type HostSimulatorOptions } from "../host-sim/host-simulator.js";
import { loadTestCapks } from "../rig/cards/emv/index.js";
import { Rig, type RigOptions } from "../rig/rig.js";
import { ManualScanner } from "./manual-scanner.js";
import { testCardholderPin } from "./test-cardholders.js";

export interface RigTerminalOptions {
  /** Where config, journal, keys, spool, slips and the log go (default: a new temp dir, removed at stop). */
  dir?: string;
  /** Settings over the rig defaults (host and devices are filled in from what was started). */
  settings?: (base: TerminalSettingsInput) => TerminalSettingsInput;
  host?: HostSimulatorOptions;
  /**
   * Use this running host instead of starting one (power-cut tests keep the host alive in the parent
   * while the terminal process dies); `host` is then ignored and `stop()` leaves that host running.
   */
  hostAddress?: { host: string; port: number };
  rig?: RigOptions;
  clock?: () => Date;
  random?: TerminalAppOptions["random"];
  onJournalCommit?: (point: string) => void;
  /** Unattended cardholders type each test card's PIN at the pad (default true). */
  autoPin?: boolean;
  /** Log level of the run's log file (default "info"). */
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
}

/** Log redaction: even if a caller slips, these never reach the file. */
export const LOG_REDACT = ["pan", "track2", "track3", "pinBlock", "key", "keys.*.key", "*.pan", "*.pinBlock"];

/**
 * The terminal on the rig against the host simulator, all in one process: the simulator on a loopback
 * port, the rig's emulated devices behind the serial binding, a config file written to `dir`, the test
 * TMK injected on first boot (as a key-injection facility would), the rig's test CAPKs.
 */
export class RigTerminal {
  private constructor(
    readonly dir: string,
    /** The simulator this terminal started (undefined when given `hostAddress`). */
    private readonly ownHost: HostSimulator | undefined,
    readonly rig: Rig,
    readonly app: TerminalApp,
    readonly scanner: ManualScanner,
    readonly configPath: string,
    readonly logPath: string,
    private readonly ownsDir: boolean,
    private readonly log: pino.Logger,
  ) {}

  static async start(options: RigTerminalOptions = {}): Promise<RigTerminal> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "pos-terminal-"));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const host = options.hostAddress
      ? undefined
      : new HostSimulator({ ...(options.clock ? { clock: options.clock } : {}), ...options.host });
    const address = options.hostAddress ?? (await host!.start({ host: "127.0.0.1", port: 0 }));
    let rig: Rig | undefined;
    try {
      rig = await Rig.start({ transport: "memory", emv: true, ...options.rig });
      if (options.autoPin !== false) rig.pinpad.cardholder.autoPin = testCardholderPin;
      const base = exampleSettingsInput();
      const input: TerminalSettingsInput = {
        ...base,
        terminal: { ...base.terminal, terminalId: DEFAULT_TERMINAL_ID, merchantId: DEFAULT_MERCHANT_ID },
        host: { ...base.host, transport: "tcp", host: address.host, port: address.port, tls: undefined },
        // The rig's baud rates are the standard ones the schema lists; the schema checks them again.
        devices: rig.deviceConfig().devices as TerminalSettingsInput["devices"],
        storage: { dir: join(dir, "data") },
        log: { level: options.logLevel ?? "info" },
      };
      const settings = parseTerminalSettings(options.settings ? options.settings(input) : input, "rig");
      const configPath = join(dir, "terminal.json");
      writeFileSync(
        configPath,
        `${JSON.stringify(options.settings ? options.settings(input) : input, null, 2)}\n`,
        {
          mode: 0o600,
        },
      );
      injectTestTmk(settings.storage.dir);
      const logPath = join(dir, "terminal.log");
      const log = pino(
        {
          level: options.logLevel ?? "info",
          redact: LOG_REDACT,
          base: { tid: settings.terminal.terminalId },
        },
        pino.destination({ dest: logPath, sync: true, mode: 0o600 }),
      );
      const scanner = new ManualScanner();
      const app = await TerminalApp.boot({
        settings,
        binding: rig.binding,
        capks: new CapkStore(loadTestCapks()),
        log,
        scanner,
        slipDir: join(dir, "slips"),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.onJournalCommit ? { onJournalCommit: options.onJournalCommit } : {}),
      });
      await provisionRigSupervisor(app);
      return new RigTerminal(dir, host, rig, app, scanner, configPath, logPath, ownsDir, log);
    } catch (error) {
      await rig?.stop();
      await host?.stop();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The host simulator this terminal started. */
  get host(): HostSimulator {
    if (!this.ownHost) throw new Error("this terminal uses a host it did not start (hostAddress)");
    return this.ownHost;
  }

  get slipsDir(): string {
    return join(this.dir, "slips");
  }

  async stop(options: { keepDir?: boolean } = {}): Promise<void> {
    await this.app.close();
    await this.rig.stop();
    await this.ownHost?.stop();
    this.log.flush?.();
    if (this.ownsDir && !options.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** First boot on the rig: the simulator's test TMK goes into the key store, checked against its KCV. */
export function injectTestTmk(storageDir: string): void {
  const keys = new KeyStore(
    join(storageDir, "keys"),
    new FileSecureElement(join(storageDir, "keys", "device.key")),
  );
  if (keys.has("tmk")) return;
  const tmk = fromHex(DEFAULT_TMK_HEX, "tmk");
  try {
    keys.loadTmk(tmk);
  } finally {
    tmk.fill(0);
  }
}

/** The rig's supervisor (主管, user 00) password: public test data, like the test TMK and the cards' PINs. */
export const RIG_SUPERVISOR = { userId: "00", password: "135790" } as const;

/**
 * First boot on the rig: the supervisor's factory password (expired by design) is changed to the rig's
 * known one, as an installer would on a new terminal, so voids, refunds and settlement can be authorised.
 */
async function provisionRigSupervisor(app: TerminalApp): Promise<void> {
  // Only while the factory password is still the one (a wrong guess would count toward the lockout).
  if (!app.users.list().some((u) => u.userId === RIG_SUPERVISOR.userId && u.expired)) return;
  const factory = Buffer.from("123456", "latin1");
  const rig = Buffer.from(RIG_SUPERVISOR.password, "latin1");
  try {
    await app.users.changePassword(RIG_SUPERVISOR.userId, factory, rig);
  } finally {
    factory.fill(0);
    rig.fill(0);
  }
}
