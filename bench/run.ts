import { benchCrypto } from "./crypto.js";
import { benchEmv } from "./emv.js";
import { benchFlash } from "./flash.js";
import { benchHostSim } from "./host-sim.js";
import { benchIso8583 } from "./iso8583.js";
import { resultTable } from "./measure.js";
import { benchNfc } from "./nfc.js";
import { benchPrinter } from "./printer.js";
import type { BenchResult } from "./result.js";
import { benchTerminal } from "./terminal.js";

/** `npm run bench`: every benchmark in turn, each printing its own table. */
const suites: [string, () => Promise<BenchResult[]>][] = [
  ["ISO 8583 pack/unpack (one core)", () => benchIso8583()],
  ["Payment crypto per operation: node:crypto vs node-forge", () => benchCrypto()],
  ["Acquirer host simulator under load (loopback)", () => benchHostSim()],
  ["NFC: APDU round trip through PN532 framing at 115200 baud", () => benchNfc()],
  ["Receipt printer: bytes and time per slip", () => benchPrinter()],
  ["EMV: terminal-side time per transaction against the virtual cards", () => benchEmv()],
  ["Terminal application: cold boot, terminal-side time per sale, resident memory", () => benchTerminal()],
  ["Flash: protocol overhead and throughput vs 115200 8N1", () => benchFlash()],
];

for (const [title, run] of suites) {
  process.stdout.write(`\n## ${title}\n\n`);
  process.stdout.write(`${resultTable(await run())}\n`);
}
