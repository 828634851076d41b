import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, type Writable } from "node:stream";
import type { Command } from "commander";
import { hostSimConfigSchema, parseSetting, tdesKeyHex } from "../../host-sim/config.js";
import {
  createTestPki,
  type HostSimConfig,
  HostSimConfigError,
  HostSimulator,
  type HostTlsOptions,
  type ListenAddress,
  loadCardsFile,
  loadConfigFile,
  loadScenarioFile,
} from "../../host-sim/index.js";
import { action, UsageError } from "../cli-error.js";
import { untilSignal } from "../until-signal.js";

/** `posctl host start` options as commander hands them over. */
export interface HostStartOptions {
  listen?: string;
  config?: string;
  tmk?: string;
  cards?: string;
  scenario?: string;
  log?: string;
  ledger?: string;
  tlsDir?: string;
  mtls?: boolean;
}

export interface RunningHost {
  sim: HostSimulator;
  address: ListenAddress;
  /** Stops the simulator and writes the ledger file when one was asked for. */
  shutdown(): Promise<void>;
}

function parseListen(text: string): ListenAddress {
  const at = text.lastIndexOf(":");
  const host = text.slice(0, at);
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !/^\d{1,5}$/.test(text.slice(at + 1)) || port > 65535) {
    throw new UsageError(`--listen must be HOST:PORT (port 0..65535), got ${JSON.stringify(text)}`);
  }
  return { host, port };
}

function tlsFromConfig(config: HostSimConfig, options: HostStartOptions): HostTlsOptions | undefined {
  if (options.tlsDir) {
    const pki = createTestPki({ client: options.mtls === true });
    mkdirSync(options.tlsDir, { recursive: true });
    writeFileSync(join(options.tlsDir, "ca.pem"), pki.ca.cert);
    if (pki.client) {
      writeFileSync(join(options.tlsDir, "client.pem"), pki.client.cert);
      writeFileSync(join(options.tlsDir, "client-key.pem"), pki.client.key, { mode: 0o600 });
    }
    return { cert: pki.server.cert, key: pki.server.key, ...(options.mtls ? { clientCa: pki.ca.cert } : {}) };
  }
  const tls = config.tls;
  if (!tls) return undefined;
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new HostSimConfigError(`tls.${what}`, `cannot read ${file}: ${(error as Error).message}`);
    }
  };
  return {
    cert: read(tls.cert, "cert"),
    key: read(tls.key, "key"),
    ...(tls.clientCa ? { clientCa: read(tls.clientCa, "clientCa") } : {}),
  };
}

/**
 * Builds and starts the simulator from the command-line options (flags override the config file) and
 * writes `listening HOST:PORT` as the first line of `stdout`.
 */
export async function startHost(options: HostStartOptions, stdout: Writable): Promise<RunningHost> {
  let sim: HostSimulator;
  let listen: ListenAddress;
  let ledgerFile: string | undefined;
  let logGate: PassThrough | undefined;
  try {
    const config: HostSimConfig = options.config
      ? loadConfigFile(options.config)
      : parseSetting(hostSimConfigSchema, {});
    if (options.tmk !== undefined) config.tmk = parseSetting(tdesKeyHex, options.tmk, "--tmk");
    if (options.cards) config.cards = loadCardsFile(options.cards);
    if (options.scenario)
      config.behaviours = [...(config.behaviours ?? []), ...loadScenarioFile(options.scenario)];
    listen = parseListen(options.listen ?? config.listen ?? "127.0.0.1:0");
    ledgerFile = options.ledger ?? config.ledgerFile;
    // "-": the log follows on stdout, held back until the `listening` line has gone out first.
    if (options.log === "-") logGate = new PassThrough();
    const logTarget = logGate ?? options.log ?? config.logFile;
    const tls = tlsFromConfig(config, options);
    const { listen: _l, logFile: _log, ledgerFile: _ledger, tls: _tls, ...data } = config;
    sim = new HostSimulator({ ...data, ...(logTarget ? { log: logTarget } : {}), ...(tls ? { tls } : {}) });
  } catch (error) {
    if (error instanceof HostSimConfigError) throw new UsageError(error.message);
    throw error;
  }
  let address: ListenAddress;
  try {
    address = await sim.start(listen);
  } catch (error) {
    await sim.stop();
    throw new UsageError(`cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`);
  }
  stdout.write(`listening ${address.host}:${address.port}\n`);
  logGate?.pipe(stdout);
  return {
    sim,
    address,
    async shutdown() {
      await sim.stop();
      if (ledgerFile) await sim.writeLedger(ledgerFile);
      sim.wipe();
    },
  };
}

/** Runs until SIGINT or SIGTERM, then shuts down cleanly (ledger written if asked). */
export async function runHost(
  options: HostStartOptions,
  io: { stdout: Writable; signals: NodeJS.EventEmitter } = { stdout: process.stdout, signals: process },
): Promise<void> {
  const running = await startHost(options, io.stdout);
  await untilSignal(io.signals);
  await running.shutdown();
}

/** `posctl host start`: the acquirer host simulator on TCP (or TLS), until SIGINT/SIGTERM. */
export function registerHost(program: Command): void {
  const host = program.command("host").description("acquirer host simulator (UnionPay POS dialect)");
  host
    .command("start")
    .description("serve the UnionPay POS dialect on TCP; prints `listening HOST:PORT` first")
    .option("--listen <host:port>", "address to listen on; port 0 picks a free port", undefined)
    .option("--config <file>", "JSON config (terminals, merchants, cards, behaviours, MAC, TLS)")
    .option("--tmk <hex>", "TMK for every terminal that signs in (32 or 48 hex digits)")
    .option("--cards <file>", "JSON test cards, replacing the built-in set")
    .option("--scenario <file>", "JSON behaviour switches (declines, delays, drops, bad MACs…)")
    .option("--log <file>", "readable transaction log (masked); '-' for stdout after the first line")
    .option("--ledger <file>", "write the JSON ledger here on shutdown")
    .option(
      "--tls-dir <dir>",
      "serve TLS with a fresh test CA; writes ca.pem (and a client cert with --mtls) there",
    )
    .option("--mtls", "with --tls-dir: require a client certificate signed by the test CA")
    .action(action((options: HostStartOptions) => runHost(options)));
}
