import { T1Error } from "./iso7816-error.js";

/**
 * T=1 blocks (ISO/IEC 7816-3 §11; bit layout as LudovicRousseau/CCID src/openct/proto-t1.h):
 * `NAD PCB LEN INF(0..254) EDC`, EDC = LRC (XOR of all previous bytes).
 * I-block PCB 0 N(S) M 00000 (N(S) = 0x40, more = 0x20); R-block 100 N(R) err (N(R) = 0x10, 1 EDC error,
 * 2 other error); S-block 11 response type (response = 0x20; RESYNCH 0, IFS 1, ABORT 2, WTX 3).
 */
export const T1_MAX_INF = 254;

export type T1Block =
  | { kind: "I"; nad: number; ns: 0 | 1; more: boolean; inf: Buffer }
  | { kind: "R"; nad: number; nr: 0 | 1; error: 0 | 1 | 2 }
  | { kind: "S"; nad: number; type: T1SType; response: boolean; inf: Buffer };

export type T1SType = "resynch" | "ifs" | "abort" | "wtx";
const S_TYPES: T1SType[] = ["resynch", "ifs", "abort", "wtx"];

export function lrcOf(bytes: Uint8Array): number {
  let acc = 0;
  for (const b of bytes) acc ^= b;
  return acc;
}

export function pcbOf(block: T1Block): number {
  switch (block.kind) {
    case "I":
      return (block.ns << 6) | (block.more ? 0x20 : 0);
    case "R":
      return 0x80 | (block.nr << 4) | block.error;
    case "S":
      return 0xc0 | (block.response ? 0x20 : 0) | S_TYPES.indexOf(block.type);
  }
}

export function encodeT1Block(block: T1Block): Buffer {
  const inf = block.kind === "R" ? Buffer.alloc(0) : block.inf;
  if (inf.length > T1_MAX_INF) {
    throw new T1Error(`INF of ${inf.length} bytes exceeds ${T1_MAX_INF}`, { path: "LEN" });
  }
  const out = Buffer.alloc(4 + inf.length);
  out[0] = block.nad & 0xff;
  out[1] = pcbOf(block);
  out[2] = inf.length;
  out.set(inf, 3);
  out[out.length - 1] = lrcOf(out.subarray(0, out.length - 1));
  return out;
}

export function decodeT1Block(raw: Uint8Array): T1Block {
  if (raw.length < 4)
    throw new T1Error(`block of ${raw.length} bytes is too short`, { path: "block", offset: raw.length });
  const len = raw[2]!;
  if (len === 0xff) throw new T1Error("LEN FF is reserved", { path: "LEN", offset: 2 });
  if (raw.length !== 4 + len) {
    throw new T1Error(`LEN ${len} but ${raw.length - 4} INF bytes`, { path: "LEN", offset: 2 });
  }
  if (lrcOf(raw) !== 0)
    throw new T1Error("EDC (LRC) does not check", { path: "EDC", offset: raw.length - 1 });
  const nad = raw[0]!;
  const pcb = raw[1]!;
  const inf = Buffer.from(raw.subarray(3, 3 + len));
  if ((pcb & 0x80) === 0) {
    return { kind: "I", nad, ns: ((pcb >> 6) & 1) as 0 | 1, more: (pcb & 0x20) !== 0, inf };
  }
  if ((pcb & 0xc0) === 0x80) {
    if (len !== 0) throw new T1Error("R-block with INF", { path: "LEN", offset: 2 });
    const error = pcb & 0x0f;
    if (error > 2 || (pcb & 0x20) !== 0)
      throw new T1Error(`bad R-block PCB ${pcb}`, { path: "PCB", offset: 1 });
    return { kind: "R", nad, nr: ((pcb >> 4) & 1) as 0 | 1, error: error as 0 | 1 | 2 };
  }
  const type = S_TYPES[pcb & 0x1f];
  if (type === undefined) throw new T1Error(`bad S-block PCB ${pcb}`, { path: "PCB", offset: 1 });
  return { kind: "S", nad, type, response: (pcb & 0x20) !== 0, inf };
}

export type T1Step =
  | { type: "send"; block: Buffer /** WTX granted: multiply the next wait by this. */; wtx?: number }
  | { type: "done"; response: Buffer };

/**
 * The host (interface device) side of one APDU over T=1: chains the command into IFSC-sized I-blocks,
 * acknowledges the card's chained response with R-blocks, answers WTX and IFS requests, asks again with
 * an R-block after a corrupt block and resends after the card's R-block, within `maxRetries`.
 * The sequence numbers persist across APDUs, so one instance serves a card session.
 */
export class T1Host {
  private ns: 0 | 1 = 0;
  private nr: 0 | 1 = 0;
  private chunks: Buffer[] = [];
  private index = 0;
  private received: Buffer[] = [];
  private lastSent: Buffer = Buffer.alloc(0);
  private retries = 0;
  /** Our last chained I-block is sent and not yet acknowledged by the card's first I-block. */
  private awaitingAnswer = false;
  private readonly nad: number;
  private readonly maxRetries: number;
  ifsc: number;

  constructor(options: { ifsc?: number; nad?: number; maxRetries?: number } = {}) {
    this.ifsc = options.ifsc ?? 32;
    this.nad = options.nad ?? 0;
    this.maxRetries = options.maxRetries ?? 3;
  }

  begin(apdu: Uint8Array): T1Step {
    const size = Math.max(1, Math.min(this.ifsc, T1_MAX_INF));
    this.chunks = [];
    for (let at = 0; at < apdu.length; at += size)
      this.chunks.push(Buffer.from(apdu.subarray(at, at + size)));
    if (this.chunks.length === 0) this.chunks.push(Buffer.alloc(0));
    this.index = 0;
    this.received = [];
    this.retries = 0;
    return this.sendChunk();
  }

  onBlock(raw: Uint8Array): T1Step {
    let block: T1Block;
    try {
      block = decodeT1Block(raw);
    } catch (error) {
      return this.retry(
        encodeT1Block({ kind: "R", nad: this.nad, nr: this.nr, error: 1 }),
        `corrupt block from the card (${(error as Error).message})`,
      );
    }
    if (block.kind === "S") return this.onS(block);
    if (block.kind === "R") {
      const sending = this.index < this.chunks.length - 1;
      if (sending && block.nr !== this.ns) {
        // The card acknowledged our chained block: the next one.
        this.ns = block.nr;
        this.index++;
        this.retries = 0;
        return this.sendChunk();
      }
      return this.retry(this.lastSent, "the card asked for the last block again");
    }
    if (this.index < this.chunks.length - 1) {
      throw new T1Error("I-block from the card while the command chain is incomplete", {
        path: "PCB",
        offset: 1,
      });
    }
    if (this.awaitingAnswer) {
      // The card's first I-block acknowledges our last one.
      this.awaitingAnswer = false;
      this.ns = (this.ns ^ 1) as 0 | 1;
    }
    if (block.ns !== this.nr) {
      return this.retry(
        encodeT1Block({ kind: "R", nad: this.nad, nr: this.nr, error: 0 }),
        "repeated I-block",
      );
    }
    this.nr = (this.nr ^ 1) as 0 | 1;
    this.received.push(block.inf);
    this.retries = 0;
    if (block.more) return this.sendRaw(encodeT1Block({ kind: "R", nad: this.nad, nr: this.nr, error: 0 }));
    const response = Buffer.concat(this.received);
    for (const part of this.received) part.fill(0);
    this.received = [];
    return { type: "done", response };
  }

  private onS(block: Extract<T1Block, { kind: "S" }>): T1Step {
    if (block.response) throw new T1Error(`unexpected S(${block.type} response)`, { path: "PCB", offset: 1 });
    if (block.type === "wtx") {
      const multiplier = block.inf[0] ?? 1;
      return { ...this.sendRaw(encodeT1Block({ ...block, nad: this.nad, response: true })), wtx: multiplier };
    }
    if (block.type === "ifs") {
      const ifsc = block.inf[0] ?? 0;
      if (ifsc < 1 || ifsc > T1_MAX_INF) throw new T1Error(`IFSC ${ifsc} out of range`, { path: "S(IFS)" });
      this.ifsc = ifsc;
      return this.sendRaw(encodeT1Block({ ...block, nad: this.nad, response: true }));
    }
    throw new T1Error(`the card sent S(${block.type} request)`, { path: "PCB", offset: 1 });
  }

  private sendChunk(): T1Step {
    const more = this.index < this.chunks.length - 1;
    this.awaitingAnswer = !more;
    return this.sendRaw(
      encodeT1Block({ kind: "I", nad: this.nad, ns: this.ns, more, inf: this.chunks[this.index]! }),
    );
  }

  private sendRaw(block: Buffer): { type: "send"; block: Buffer } {
    this.lastSent = block;
    return { type: "send", block: Buffer.from(block) };
  }

  private retry(block: Buffer, why: string): T1Step {
    if (++this.retries > this.maxRetries) {
      throw new T1Error(`${why}; gave up after ${this.maxRetries} retries`, { path: "T=1 exchange" });
    }
    this.lastSent = block;
    return { type: "send", block: Buffer.from(block) };
  }
}
