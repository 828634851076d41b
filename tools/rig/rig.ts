import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteLink } from "../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../drivers/link/memory-link.js";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import { deriveTdesIpek } from "../../protocol/crypto/dukpt/tdes-ipek.js";
import type { PrinterStatus } from "../../protocol/escpos/index.js";
import { DEFAULT_TMK_HEX } from "../host-sim/default-cards.js";
import { testCard } from "./cards/emv/index.js";
import type { TestProfileName } from "./cards/emv/profile.js";
import { controlSocketPath } from "./control-client.js";
import { type ControlServer, refuseLiveSocket, startControlServer } from "./control-server.js";
import { DEFAULT_RIG_CARDS } from "./default-cards.js";
import { DeviceRelay } from "./device-relay.js";
import { EmulatedBinding } from "./emulated-binding.js";
import {
  ContactReaderEmulator,
  type ContactReaderEmulatorOptions,
} from "./emulators/contact-reader/index.js";
import { EmulatedIo } from "./emulators/indicators/emulated-io.js";
import { SerialMsrEmulator, type StripeFault } from "./emulators/magstripe/index.js";
import type { ModemFault } from "./emulators/modem/modem-faults.js";
import { QuectelEmulator, type QuectelEmulatorOptions } from "./emulators/modem/quectel-emulator.js";
import { PinPadEmulator, type PinPadEmulatorOptions } from "./emulators/pinpad/index.js";
import { Pn532Emulator, type Pn532EmulatorOptions, RfField } from "./emulators/pn532/index.js";
import { PrinterEmulator, type PrinterEmulatorOptions } from "./emulators/printer/index.js";
import { type FaultPlan, withFaults } from "./fault-plan.js";
import { openPtyPair, type PtyPair } from "./pty-pair.js";
import { parseRigAction, type RigAction } from "./rig-actions.js";
import { RIG_BAUD_RATES, RIG_DEVICES, type RigDevice, type RigDeviceConfig } from "./rig-devices.js";
import { RigDataError, RigError } from "./rig-error.js";
import { type ParsedStep, parseScript, type RunScriptOptions, runSteps, type ScriptStep } from "./script.js";
import { ScriptedCard, type ScriptedCardProfile, type VirtualCard } from "./virtual-card.js";

export { RIG_BAUD_RATES, RIG_DEVICES, type RigDevice, type RigDeviceConfig } from "./rig-devices.js";

/** ANSI X9.24-1:2009 A.4 test BDK and initial KSN: the pad's DUKPT key set 1. */
const TEST_BDK = Buffer.from("0123456789ABCDEFFEDCBA9876543210", "hex");
const TEST_IKSN = Buffer.from("FFFF9876543210E00000", "hex");

/** Indicator pins of the emulated board (as drivers/indicators' IndicatorPins name them). */
export const RIG_LED_PINS = { green: "status:green", red: "status:red", blue: "status:blue" } as const;
export const RIG_BUZZER_PIN = "beeper";
export const RIG_KEY_PINS = { enter: "key:enter", cancel: "key:cancel" } as const;

/**
 * With `emv: true`, these default cards answer as full EMV applets (tools/rig/cards/emv: GPO, records,
 * cryptograms under the host simulator's IMKs, the test PKI) on both the contact and contactless
 * interfaces, instead of answering SELECT only. Same PANs as the simulator's cards.
 */
export const RIG_EMV_CARDS: Readonly<Record<string, TestProfileName>> = {
  "cup-debit": "unionpay-debit",
  "cup-credit-scripts": "unionpay-credit",
  "mc-credit": "mastercard",
};

export interface RigOptions {
  /** "memory" (default): an EmulatedBinding with ports at /rig/<device>; "pty": a socat pair per device. */
  transport?: "memory" | "pty";
  /** pty: where the terminal-side links and control.sock go (created 0700 if missing); default a new temp dir. */
  dir?: string;
  /** pty: serve the control socket `<dir>/control.sock` (default true). */
  control?: boolean;
  /** The cards the rig can insert, tap and swipe (default: DEFAULT_RIG_CARDS). */
  cards?: readonly ScriptedCardProfile[];
  /** Chip cards named in RIG_EMV_CARDS run full EMV applets (default false: SELECT-only scripted cards). */
  emv?: boolean;
  /** Default: master key 0 = the host simulator's test TMK, DUKPT key set 1 from the ANSI test BDK. */
  pinpad?: PinPadEmulatorOptions;
  contact?: ContactReaderEmulatorOptions;
  nfc?: Omit<Pn532EmulatorOptions, "field">;
  printer?: PrinterEmulatorOptions;
  modem?: QuectelEmulatorOptions;
  /** Link-level faults on what each emulator sends (tools/rig/fault-plan.ts). */
  linkFaults?: Partial<Record<RigDevice, FaultPlan>>;
}

export interface SwipeActionOptions {
  tracks?: (1 | 2 | 3)[];
  fault?: StripeFault | StripeFault[];
  reverse?: boolean;
}

export interface TapOptions {
  /** RF operations (polls, APDUs, presence checks) the card answers, then it leaves; default: until removed. */
  operations?: number;
  /** Keep the cards already in the field (two cards answer: a collision). */
  alongside?: boolean;
}

export interface RigStatus {
  transport: "memory" | "pty";
  dir?: string;
  devices: RigDeviceConfig["devices"];
  cards: string[];
  contact: { inserted: string | null; powered: boolean };
  nfc: { inField: string[] };
  pinpad: { sessionOpen: boolean; promptingForPin: boolean; display: [string, string] };
  printer: Pick<PrinterStatus, "online" | "coverOpen" | "paper"> & {
    linesPrinted: number;
    slipsPrinted: number;
  };
  modem: { simPresent: boolean; pdpActive: boolean };
  leds: { green: number; red: number; blue: number; buzzer: number };
}

/**
 * The device rig: every emulator of issue 5 behind a serial port the terminal opens by path, plus the
 * virtual cards and the hands that move them. In-process (`transport: "memory"`) the ports live in
 * `rig.binding` at `/rig/<device>`, for tests that hand the binding to `openSerialLink`; on ptys each
 * device gets a socat pair `<dir>/<device>` ↔ `<dir>/<device>.emu`, the rig holding the `.emu` end, and a
 * control socket lets `posctl rig …` drive it from another process.
 *
 * Devices whose state must survive the terminal reopening its port (printer, magstripe) sit on a
 * DeviceRelay; the PIN pad and modem re-attach to each new connection; the contact reader and PN532 are
 * rebuilt per connection (a reader resets when its port comes back) with the card state kept here.
 */
export class Rig {
  readonly binding = new EmulatedBinding();
  readonly transport: "memory" | "pty";
  readonly pinpad: PinPadEmulator;
  readonly printer: PrinterEmulator;
  readonly modem: QuectelEmulator;
  readonly magstripe: SerialMsrEmulator;
  /** The NFC module's RF field, kept across PN532 reconnects. */
  readonly field = new RfField();
  /** The indicator board (LEDs, buzzer, keys) for the in-process Indicators driver. */
  readonly io = new EmulatedIo({
    outputs: [...Object.values(RIG_LED_PINS), RIG_BUZZER_PIN],
    inputs: Object.values(RIG_KEY_PINS),
  });
  private readonly cards = new Map<string, VirtualCard>();
  private readonly relays: { printer: DeviceRelay; magstripe: DeviceRelay };
  private readonly options: RigOptions;
  private readonly modemFaults: ModemFault[];
  private contactEmulator: ContactReaderEmulator | undefined;
  private nfcEmulator: Pn532Emulator | undefined;
  private inserted: VirtualCard | undefined;
  /** Device ends this rig opened or was handed (closed at stop). */
  private readonly deviceEnds = new Set<ByteLink>();
  private readonly pairs: PtyPair[] = [];
  private control: ControlServer | undefined;
  private ports: RigDeviceConfig["devices"] | undefined;
  private dirPath: string | undefined;
  private ownsDir = false;
  private stopping: Promise<void> | undefined;
  /** Aborts scripts started through the control socket when the rig stops. */
  private readonly scripts = new AbortController();

  private constructor(options: RigOptions) {
    this.options = options;
    this.transport = options.transport ?? "memory";
    for (const profile of options.cards ?? DEFAULT_RIG_CARDS) {
      if (this.cards.has(profile.name)) throw new RigError(`duplicate card name "${profile.name}"`);
      const emvProfile = options.emv ? RIG_EMV_CARDS[profile.name] : undefined;
      this.cards.set(
        profile.name,
        emvProfile ? testCard(emvProfile, { name: profile.name }) : new ScriptedCard(profile),
      );
    }
    if (options.pinpad) this.pinpad = new PinPadEmulator(options.pinpad);
    else {
      const defaults = defaultPinPadOptions();
      this.pinpad = new PinPadEmulator(defaults);
      // The key store copied the master key in.
      for (const key of Object.values(defaults.masterKeys ?? {})) key.fill(0);
    }
    this.relays = { printer: new DeviceRelay("printer"), magstripe: new DeviceRelay("magstripe") };
    this.printer = new PrinterEmulator(this.relays.printer, options.printer);
    this.magstripe = new SerialMsrEmulator(this.relays.magstripe);
    this.modemFaults = [...(options.modem?.faults ?? [])];
    this.modem = new QuectelEmulator(options.modem);
  }

  /** Builds the emulators and attaches them; on any failure everything started so far is stopped. */
  static async start(options: RigOptions = {}): Promise<Rig> {
    const rig = new Rig(options);
    try {
      if (rig.transport === "pty") await rig.startPtys();
      else rig.attachInProcess();
    } catch (error) {
      await rig.stop();
      throw error;
    }
    return rig;
  }

  /** pty: the rig directory. */
  get dir(): string | undefined {
    return this.dirPath;
  }

  /** Device → the path the terminal opens. */
  paths(): Record<RigDevice, string> {
    const ports = this.requirePorts();
    return Object.fromEntries(RIG_DEVICES.map((d) => [d, ports[d].path])) as Record<RigDevice, string>;
  }

  /** The `devices` section of a terminal config for this rig. */
  deviceConfig(): RigDeviceConfig {
    const ports = this.requirePorts();
    return {
      devices: Object.fromEntries(RIG_DEVICES.map((d) => [d, { ...ports[d] }])) as RigDeviceConfig["devices"],
    };
  }

  /** The card names the rig knows. */
  cardNames(): string[] {
    return [...this.cards.keys()];
  }

  /** The socat processes of a pty rig (for checks that stop() left none behind). */
  socatPids(): number[] {
    return this.pairs.map((pair) => pair.process.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** The contact reader emulator of the current connection (none before the terminal opened the port). */
  get contactReader(): ContactReaderEmulator | undefined {
    return this.contactEmulator;
  }

  /** The PN532 emulator of the current connection. */
  get nfc(): Pn532Emulator | undefined {
    return this.nfcEmulator;
  }

  // ---- cards ---------------------------------------------------------------------------------------

  /** Slides a card into the contact slot (replacing any card there). */
  insert(name: string): void {
    const card = this.card(name);
    if (this.inserted) this.contactEmulator?.remove();
    this.inserted = card;
    this.contactEmulator?.insert(card);
  }

  /** Presents a card to the NFC antenna. */
  tap(name: string, options: TapOptions = {}): void {
    const card = this.card(name);
    if (!card.contactless) throw new RigError(`card "${name}" has no contactless interface`);
    if (!options.alongside) this.field.remove();
    if (options.operations === undefined) this.field.place(card);
    else this.field.tap(card, options.operations);
  }

  /** Swipes a card through the magstripe reader (bytes are lost when no terminal has the port open). */
  async swipe(name: string, options: SwipeActionOptions = {}): Promise<void> {
    const card = this.card(name);
    if (!card.tracks || Object.keys(card.tracks).length === 0) {
      throw new RigError(`card "${name}" has no magnetic stripe`);
    }
    const faults = options.fault === undefined ? [] : [options.fault].flat();
    await this.magstripe.swipe(card, {
      ...(options.tracks ? { tracks: options.tracks } : {}),
      ...(faults.length > 0 ? { faults } : {}),
      ...(options.reverse ? { reverse: true } : {}),
    });
  }

  /** Takes every card away: out of the contact slot and out of the RF field. */
  remove(): void {
    if (this.inserted) {
      this.inserted = undefined;
      this.contactEmulator?.remove();
    }
    this.field.remove();
  }

  // ---- the cardholder, the operator, the network ---------------------------------------------------

  /** The cardholder types these digits and presses Enter at the (next) PIN prompt. */
  enterPin(digits: string | Buffer): void {
    const pin = Buffer.isBuffer(digits) ? digits : Buffer.from(digits, "latin1");
    if (pin.length === 0 || pin.length > 16 || pin.some((b) => b < 0x30 || b > 0x39)) {
      pin.fill(0);
      throw new RigError("a PIN is 1..16 digits");
    }
    this.pinpad.cardholder.enterPin(pin);
  }

  cancelPin(): void {
    this.pinpad.cardholder.cancelByCardholder();
  }

  timeoutPin(): void {
    this.pinpad.cardholder.timeout();
  }

  paperOut(): void {
    this.printer.runOutOfPaper();
  }

  paperIn(): void {
    this.printer.loadPaper();
  }

  paperNearEnd(): void {
    this.printer.setPaperNearEnd(true);
  }

  coverOpen(): void {
    this.printer.openCover();
  }

  coverClose(): void {
    this.printer.closeCover();
  }

  /** The SIM is pulled: AT+CPIN? answers +CME ERROR: 10. */
  simMissing(): void {
    if (!this.modemFaults.some((f) => f.kind === "sim-missing"))
      this.modemFaults.push({ kind: "sim-missing" });
    this.modem.setFaults(this.modemFaults);
  }

  simInserted(): void {
    const left = this.modemFaults.filter((f) => f.kind !== "sim-missing");
    this.modemFaults.splice(0, this.modemFaults.length, ...left);
    this.modem.setFaults(this.modemFaults);
  }

  /** The network drops the PDP context (+QIURC: "pdpdeact"). */
  dropPdp(): void {
    this.modem.dropPdp();
  }

  rebootModem(): void {
    this.modem.reboot();
  }

  /** The PIN pad's tamper switch trips: it erases its keys and reports TMP to the terminal at once. */
  tamper(): void {
    this.pinpad.tamper();
  }

  /** Key injection into the PIN pad after a tamper: the rig's test TMK (and DUKPT set) loaded again. */
  rekeyPinPad(): void {
    const defaults = defaultPinPadOptions();
    this.pinpad.rekey(defaults.masterKeys ?? {}, defaults.dukpt ?? []);
    for (const key of Object.values(defaults.masterKeys ?? {})) key.fill(0);
  }

  /** A key on the terminal's keypad board is pressed and released. */
  pressKey(key: string): void {
    const pin = (RIG_KEY_PINS as Record<string, string>)[key];
    if (!pin) throw new RigError(`no key "${key}" (one of ${Object.keys(RIG_KEY_PINS).join(", ")})`);
    this.io.press(pin);
    this.io.release(pin);
  }

  // ---- actions as data ------------------------------------------------------------------------------

  /** Runs one action (a control request, a script step); returns what it answers (status, slip text). */
  async perform(action: RigAction): Promise<Record<string, unknown> | undefined> {
    switch (action.action) {
      case "insert":
        this.insert(action.card);
        break;
      case "tap":
        this.tap(action.card, { operations: action.operations, alongside: action.alongside });
        break;
      case "swipe":
        await this.swipe(action.card, {
          tracks: action.tracks,
          fault: action.fault,
          reverse: action.reverse,
        });
        break;
      case "remove":
        this.remove();
        break;
      case "enterPin":
        this.enterPin(action.digits);
        break;
      case "pressKey":
        this.pressKey(action.key);
        break;
      case "status":
        return { status: this.status() };
      case "printerText":
        return { text: this.printer.text() };
      default:
        this[action.action]();
    }
    return undefined;
  }

  /**
   * A control-socket request: one action (`{"action":"tap","card":"cup-debit"}`), or a whole script
   * (`{"action":"runScript","steps":[…]}`, answered once it has run; aborted when the rig stops).
   */
  async handleRequest(request: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    if (request.action !== "runScript") return this.perform(parseRigAction(request, "request"));
    const extra = Object.keys(request).filter((key) => key !== "action" && key !== "steps");
    if (extra.length > 0) throw new RigDataError(`request.${extra[0]}`, "not a runScript field");
    const steps = parseScript(request.steps, "request.steps");
    await this.runScript(steps, { signal: this.scripts.signal });
    return { steps: steps.length };
  }

  /** Validates and runs a script (a JSON list of `{at?, action, args}` steps) in order. */
  async runScript(
    steps: readonly ScriptStep[] | readonly ParsedStep[],
    options: RunScriptOptions = {},
  ): Promise<void> {
    const parsed = isParsed(steps) ? steps : parseScript(steps);
    await runSteps(parsed, (action) => this.perform(action), options);
  }

  status(): RigStatus {
    const printer = this.printer.status();
    const level = (pin: string) => this.io.level(pin);
    return {
      transport: this.transport,
      ...(this.dirPath ? { dir: this.dirPath } : {}),
      devices: this.deviceConfig().devices,
      cards: this.cardNames(),
      contact: { inserted: this.inserted?.name ?? null, powered: this.contactEmulator?.cardPowered ?? false },
      nfc: { inField: this.field.cards.map((card) => card.name) },
      pinpad: {
        sessionOpen: this.pinpad.isSessionOpen,
        promptingForPin: this.pinpad.promptingForPin,
        display: this.pinpad.display,
      },
      printer: {
        online: printer.online,
        coverOpen: printer.coverOpen,
        paper: printer.paper,
        linesPrinted: this.printer.stats.linesPrinted,
        slipsPrinted: this.printer.stats.cuts,
      },
      modem: {
        simPresent: !this.modemFaults.some((f) => f.kind === "sim-missing"),
        pdpActive: this.modem.state.pdpActive,
      },
      leds: {
        green: level(RIG_LED_PINS.green),
        red: level(RIG_LED_PINS.red),
        blue: level(RIG_LED_PINS.blue),
        buzzer: level(RIG_BUZZER_PIN),
      },
    };
  }

  /**
   * Stops every emulator, the control socket and socat, closes the device ends and removes what the rig
   * made (links, control.sock; the whole directory when the rig created it). Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  // ---- wiring ---------------------------------------------------------------------------------------

  private card(name: string): VirtualCard {
    const card = this.cards.get(name);
    if (!card) throw new RigError(`no card "${name}" (the rig has ${this.cardNames().join(", ")})`);
    return card;
  }

  private requirePorts(): RigDeviceConfig["devices"] {
    if (!this.ports) throw new RigError("the rig is not started");
    return this.ports;
  }

  /** A new connection reached `device`: `end` is the emulator's side of it. */
  private connect(device: RigDevice, end: ByteLink): void {
    this.deviceEnds.add(end);
    end.onClose(() => this.deviceEnds.delete(end));
    const plan = this.options.linkFaults?.[device];
    const link = plan ? withFaults(end, plan) : end;
    switch (device) {
      case "pinpad":
        this.pinpad.attach(link);
        return;
      case "modem":
        this.modem.attach(link);
        return;
      case "printer":
      case "magstripe":
        this.relays[device].connect(link);
        return;
      case "contact": {
        // A reader whose port comes back has reset: a fresh one, holding the card that is in the slot.
        const emulator = new ContactReaderEmulator(link, this.options.contact);
        this.contactEmulator = emulator;
        if (this.inserted) emulator.insert(this.inserted);
        return;
      }
      case "nfc":
        this.nfcEmulator?.detach();
        this.nfcEmulator = new Pn532Emulator(link, { ...this.options.nfc, field: this.field });
        return;
    }
  }

  private attachInProcess(): void {
    const ports = {} as RigDeviceConfig["devices"];
    for (const device of RIG_DEVICES) {
      const path = `/rig/${device}`;
      this.binding.attach(path, () => {
        if (this.stopping) throw Object.assign(new Error("the rig has stopped"), { code: "ENOENT" });
        const { host, device: end } = createMemoryLinkPair(`rig ${device}`);
        this.connect(device, end);
        return host;
      });
      ports[device] = { path, baudRate: RIG_BAUD_RATES[device] };
    }
    this.ports = ports;
  }

  private async startPtys(): Promise<void> {
    if (this.options.dir) {
      try {
        mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "error";
        throw new RigError(`cannot use ${this.options.dir} as the rig directory: ${code}`, { cause: error });
      }
      this.dirPath = this.options.dir;
    } else {
      this.dirPath = mkdtempSync(join(tmpdir(), "pos-rig-"));
      this.ownsDir = true;
    }
    const dir = this.dirPath;
    // Before any socat: a second rig's links would replace the running rig's.
    await refuseLiveSocket(controlSocketPath(dir));
    const ports = {} as RigDeviceConfig["devices"];
    const opened = await Promise.allSettled(
      RIG_DEVICES.map(async (device) => {
        const pair = await openPtyPair(join(dir, device), join(dir, `${device}.emu`));
        this.pairs.push(pair);
        const end = await openSerialLink({ path: pair.devicePath, baudRate: RIG_BAUD_RATES[device] });
        if (this.stopping) {
          await end.close();
          return;
        }
        this.connect(device, end);
        ports[device] = { path: pair.hostPath, baudRate: RIG_BAUD_RATES[device] };
      }),
    );
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    this.ports = ports;
    if (this.options.control ?? true) {
      this.control = await startControlServer(controlSocketPath(dir), (request) =>
        this.handleRequest(request),
      );
    }
  }

  private async shutdown(): Promise<void> {
    this.scripts.abort();
    await this.control?.close();
    for (const device of RIG_DEVICES) this.binding.detach(`/rig/${device}`);
    this.pinpad.cardholder.clear();
    this.nfcEmulator?.detach();
    this.printer.detach();
    this.modem.stop();
    await Promise.all([this.relays.printer.close(), this.relays.magstripe.close()]);
    await Promise.all([...this.deviceEnds].map((end) => end.close().catch(() => undefined)));
    await Promise.all(this.pairs.map((pair) => pair.stop()));
    // socat removes its links on exit; removed again in case it died first. Only this rig's files go.
    for (const pair of this.pairs) {
      rmSync(pair.hostPath, { force: true });
      rmSync(pair.devicePath, { force: true });
    }
    if (this.dirPath && this.ownsDir) rmSync(this.dirPath, { recursive: true, force: true });
  }
}

function defaultPinPadOptions(): PinPadEmulatorOptions {
  const tmk = Buffer.from(DEFAULT_TMK_HEX, "hex");
  return {
    masterKeys: { 0: tmk },
    dukpt: [{ index: 1, ipek: deriveTdesIpek(TEST_BDK, TEST_IKSN), ksn: Buffer.from(TEST_IKSN) }],
  };
}

function isParsed(steps: unknown): steps is readonly ParsedStep[] {
  return (
    Array.isArray(steps) &&
    steps.every((s) => typeof s === "object" && s !== null && typeof (s as ParsedStep).action === "object")
  );
}
