import { decodeT1Block, encodeT1Block, type T1Block } from "../../../../protocol/iso7816/index.js";
import type { VirtualCard } from "../../virtual-card.js";

/**
 * The card's side of T=1 (ISO 7816-3 §11): receives chained I-blocks (acknowledging each with an R-block),
 * passes the APDU to the virtual card, chains its answer in IFSD-sized I-blocks, answers S(IFS request),
 * and when told to, asks for more time with S(WTX request) before answering.
 */
export class T1CardAdapter {
  private ns: 0 | 1 = 0;
  private nr: 0 | 1 = 0;
  private ifsd = 32;
  private received: Buffer[] = [];
  private outgoing: Buffer[] = [];
  private outIndex = 0;
  private awaitingAck = false;
  private lastSent: Buffer = Buffer.alloc(0);
  /** Set by the emulator: request this WTX multiplier before the next answer. */
  wtxBeforeAnswer: number | undefined;

  constructor(private readonly card: VirtualCard) {}

  handle(raw: Buffer): Buffer {
    let block: T1Block;
    try {
      block = decodeT1Block(raw);
    } catch {
      return this.send({ kind: "R", nad: 0, nr: this.nr, error: 1 });
    }
    if (block.kind === "S") {
      if (block.type === "ifs" && !block.response) {
        this.ifsd = block.inf[0] ?? this.ifsd;
        return this.send({ ...block, response: true });
      }
      if (block.type === "wtx" && block.response) return this.sendChunk();
      return this.send({ kind: "R", nad: 0, nr: this.nr, error: 2 });
    }
    if (block.kind === "R") {
      if (this.outIndex < this.outgoing.length - 1 && block.nr !== this.ns) {
        this.ns = block.nr;
        this.outIndex++;
        return this.sendChunk();
      }
      return this.lastSent;
    }
    if (this.awaitingAck) {
      this.awaitingAck = false;
      this.ns = (this.ns ^ 1) as 0 | 1;
    }
    if (block.ns !== this.nr) return this.send({ kind: "R", nad: 0, nr: this.nr, error: 0 });
    this.nr = (this.nr ^ 1) as 0 | 1;
    this.received.push(block.inf);
    if (block.more) return this.send({ kind: "R", nad: 0, nr: this.nr, error: 0 });
    const apdu = Buffer.concat(this.received);
    this.received = [];
    const response = this.card.transmit(apdu);
    this.outgoing = [];
    for (let at = 0; at < response.length; at += this.ifsd)
      this.outgoing.push(response.subarray(at, at + this.ifsd));
    this.outIndex = 0;
    if (this.wtxBeforeAnswer !== undefined) {
      const multiplier = this.wtxBeforeAnswer;
      this.wtxBeforeAnswer = undefined;
      return this.send({ kind: "S", nad: 0, type: "wtx", response: false, inf: Buffer.from([multiplier]) });
    }
    return this.sendChunk();
  }

  private sendChunk(): Buffer {
    const more = this.outIndex < this.outgoing.length - 1;
    this.awaitingAck = !more;
    return this.send({
      kind: "I",
      nad: 0,
      ns: this.ns,
      more,
      inf: this.outgoing[this.outIndex] ?? Buffer.alloc(0),
    });
  }

  private send(block: T1Block): Buffer {
    this.lastSent = encodeT1Block(block);
    return this.lastSent;
  }
}
