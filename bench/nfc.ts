import type { ByteLink } from "../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../drivers/link/memory-link.js";
import { Pn532Reader } from "../drivers/nfc/pn532-reader.js";
import { commands } from "../protocol/pn532/commands.js";
import { Pn532Decoder } from "../protocol/pn532/decoder.js";
import { ACK_FRAME, encodeCommandFrame, encodeResponseFrame } from "../protocol/pn532/frame.js";
import { encodeDataExchangeReply, parseDataExchangeReply } from "../protocol/pn532/responses.js";
import { Pn532Emulator } from "../tools/rig/emulators/pn532/pn532-emulator.js";
import { ScriptedCard } from "../tools/rig/virtual-card.js";
import { isMain, opsPerSec, resultTable, sink } from "./measure.js";
import type { BenchResult } from "./result.js";

/**
 * One APDU round trip through PN532 framing: SELECT PPSE (20-byte command) answered with a 250-byte
 * response (248 data + SW), driver ↔ emulator. With the wire emulated at 115200 8N1 (10 bits a byte,
 * each direction its own serial line) the figure is compared with the pure wire-time limit of the same
 * bytes: command frame + ACK + response frame.
 */

const BAUD = 115200;
const SELECT_PPSE = Buffer.from("00A404000E325041592E5359532E444446303100", "hex");
const RESPONSE = Buffer.concat([Buffer.alloc(248, 0x5a), Buffer.from([0x90, 0x00])]);

function card(): ScriptedCard {
  return new ScriptedCard({
    name: "bench",
    contactless: { uid: "04A1B2C3D4E5F6", atqa: "0044", sak: 0x20, ats: "0578807002" },
    responses: { [SELECT_PPSE.toString("hex").toUpperCase()]: RESPONSE.toString("hex") },
  });
}

/** A link end whose writes arrive after their time on a `baud` 8N1 line, one byte after another. */
function timedWire(end: ByteLink, baud: number): ByteLink {
  let busyUntil = 0;
  return {
    get isOpen() {
      return end.isOpen;
    },
    onData: (listener) => end.onData(listener),
    onClose: (listener) => end.onClose(listener),
    close: () => end.close(),
    write(data: Buffer): Promise<void> {
      const now = performance.now();
      const start = Math.max(now, busyUntil);
      busyUntil = start + (data.length * 10 * 1000) / baud;
      const copy = Buffer.from(data);
      setTimeout(() => void end.write(copy).catch(() => undefined), busyUntil - now);
      return Promise.resolve();
    },
  };
}

/** Bytes on the wire for one round trip, both directions. */
function wireBytes(): { command: number; ack: number; response: number } {
  return {
    command: encodeCommandFrame(commands.inDataExchange(1, SELECT_PPSE)).length,
    ack: ACK_FRAME.length,
    response: encodeResponseFrame(encodeDataExchangeReply(0x00, RESPONSE)).length,
  };
}

async function roundTrips(baud: number | undefined, ms: number): Promise<number> {
  const open = async (): Promise<ByteLink> => {
    const { host, device } = createMemoryLinkPair("bench");
    const emulator = new Pn532Emulator(baud ? timedWire(device, baud) : device);
    emulator.field.place(card());
    return baud ? timedWire(host, baud) : host;
  };
  // ACK wait widened: timer jitter on a loaded bench box must not count as a missing ACK.
  const reader = new Pn532Reader({ open, ackTimeoutMs: 200, wakeDelayMs: 0 });
  await reader.open();
  const found = await reader.poll({ timeoutMs: 1000 });
  if (found.type !== "A") throw new Error("bench card not found");
  const check = await reader.transmit(SELECT_PPSE);
  if (check.sw !== 0x9000 || check.data.length !== 248) throw new Error("bench card answered wrongly");
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    sink.last = await reader.transmit(SELECT_PPSE);
    n++;
  }
  const rate = n / ((performance.now() - start) / 1000);
  await reader.close();
  return rate;
}

/** Codec only: what the host does per round trip (build + frame the command, decode ACK and response). */
function codecRoundTrip(decoder: Pn532Decoder, responseFrame: Buffer): unknown {
  const frame = encodeCommandFrame(commands.inDataExchange(1, SELECT_PPSE));
  const events = decoder.push(Buffer.concat([ACK_FRAME, responseFrame]));
  const last = events[events.length - 1];
  if (last?.type !== "frame") throw new Error("bench decode failed");
  return [frame, parseDataExchangeReply(last.payload)];
}

export async function benchNfc(ms = 1_500): Promise<BenchResult[]> {
  const bytes = wireBytes();
  const total = bytes.command + bytes.ack + bytes.response;
  const wireMs = (total * 10 * 1000) / BAUD;
  const limit = 1000 / wireMs;
  const timed = await roundTrips(BAUD, ms);
  const unthrottled = await roundTrips(undefined, ms);

  const responseFrame = encodeResponseFrame(encodeDataExchangeReply(0x00, RESPONSE));
  const decoder = new Pn532Decoder();
  const decodeOnly = opsPerSec(() => decoder.push(responseFrame), ms);
  const encodeOnly = opsPerSec(() => encodeResponseFrame(encodeDataExchangeReply(0x00, RESPONSE)), ms);
  const codec = opsPerSec(() => codecRoundTrip(decoder, responseFrame), ms);
  const us = (rate: number) => `${(1e6 / rate).toFixed(1)} µs`;

  return [
    {
      name: "APDU round trip, PN532 framing @115200 emulated",
      opsPerSec: timed,
      note: `${(1000 / timed).toFixed(1)} ms each = ${((timed / limit) * 100).toFixed(0)}% of the wire limit`,
    },
    {
      name: "wire-time limit @115200 8N1",
      opsPerSec: limit,
      note: `${total} bytes (cmd ${bytes.command} + ACK ${bytes.ack} + resp ${bytes.response}) = ${wireMs.toFixed(2)} ms`,
    },
    {
      name: "APDU round trip, no wire delay",
      opsPerSec: unthrottled,
      note: `driver + emulator software cost ${(1000 / unthrottled).toFixed(3)} ms (memory link, setImmediate hops)`,
    },
    {
      name: "codec: host side of one round trip",
      opsPerSec: codec,
      note: `${us(codec)}: build cmd, decode ACK + response`,
    },
    { name: "codec: encode 260-byte response frame", opsPerSec: encodeOnly, note: us(encodeOnly) },
    { name: "codec: decode 260-byte response frame", opsPerSec: decodeOnly, note: us(decodeOnly) },
  ];
}

if (isMain(import.meta.url)) {
  process.stdout.write(`${resultTable(await benchNfc())}\n`);
}
