import type { ByteLink } from "../../drivers/link/byte-link.js";

/**
 * Link-level faults as data, applied to what an emulator sends back to the driver. Device-level faults
 * (NAK, paper out, card removed…) belong to each emulator; these are the ones every serial device
 * suffers: split and byte-by-byte delivery, garbage, corrupted bytes, silence, late replies, port loss.
 */
export type LinkFault =
  | { kind: "split"; chunkSize: number }
  | { kind: "garbage"; bytes: number[]; where: "before" | "after" }
  | { kind: "corrupt"; offset: number; xor: number }
  | { kind: "silence" }
  | { kind: "delay"; ms: number }
  | { kind: "disconnect" };

export interface FaultRule {
  /** Apply to the Nth reply written by the emulator (0-based); omit to match by `when` or always. */
  reply?: number;
  /** Apply to replies starting with these bytes. */
  startsWith?: number[];
  faults: LinkFault[];
  /** Apply once (default) or to every match. */
  repeat?: boolean;
}

export interface RandomFaults {
  /** Probability per reply, 0..1. */
  rate: number;
  seed: number;
  kinds: LinkFault["kind"][];
}

export interface FaultPlan {
  rules?: FaultRule[];
  random?: RandomFaults;
}

/** Small seeded PRNG (mulberry32): soak runs replay exactly from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultCounters {
  replies: number;
  injected: Partial<Record<LinkFault["kind"], number>>;
}

/**
 * Wraps an emulator's end of a link so its replies pass through the plan. Reading is untouched.
 * `counters` reports what was injected, for soak reports.
 */
export function withFaults(
  link: ByteLink,
  plan: FaultPlan,
  schedule: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms),
): ByteLink & { counters: FaultCounters } {
  const rules = (plan.rules ?? []).map((rule) => ({ ...rule, used: false }));
  const random = plan.random ? seededRandom(plan.random.seed) : undefined;
  const counters: FaultCounters = { replies: 0, injected: {} };

  const choose = (reply: Buffer, index: number): LinkFault[] => {
    const rule = rules.find(
      (r) =>
        (r.repeat || !r.used) &&
        (r.reply === undefined || r.reply === index) &&
        (r.startsWith === undefined || r.startsWith.every((b, i) => reply[i] === b)),
    );
    if (rule) {
      rule.used = true;
      return rule.faults;
    }
    if (random && plan.random && random() < plan.random.rate) {
      const kind = plan.random.kinds[Math.floor(random() * plan.random.kinds.length)]!;
      return [randomFault(kind, reply, random)];
    }
    return [];
  };

  const wrapped = {
    counters,
    get isOpen() {
      return link.isOpen;
    },
    onData: (listener: (chunk: Buffer) => void) => link.onData(listener),
    onClose: (listener: (error?: Error) => void) => link.onClose(listener),
    close: () => link.close(),
    async write(data: Buffer): Promise<void> {
      const faults = choose(data, counters.replies++);
      let bytes = Buffer.from(data);
      let chunkSize = bytes.length;
      let delay = 0;
      for (const fault of faults) {
        counters.injected[fault.kind] = (counters.injected[fault.kind] ?? 0) + 1;
        switch (fault.kind) {
          case "silence":
            return;
          case "disconnect":
            await link.close();
            return;
          case "split":
            chunkSize = Math.max(1, fault.chunkSize);
            break;
          case "garbage":
            bytes =
              fault.where === "before"
                ? Buffer.concat([Buffer.from(fault.bytes), bytes])
                : Buffer.concat([bytes, Buffer.from(fault.bytes)]);
            break;
          case "corrupt":
            if (bytes.length > 0) bytes[fault.offset % bytes.length]! ^= fault.xor || 0x01;
            break;
          case "delay":
            delay += fault.ms;
            break;
        }
      }
      const send = async () => {
        for (let at = 0; at < bytes.length; at += chunkSize) {
          if (!link.isOpen) return;
          await link.write(bytes.subarray(at, at + chunkSize));
        }
      };
      if (delay > 0) schedule(() => void send(), delay);
      else await send();
    },
  };
  return wrapped;
}

function randomFault(kind: LinkFault["kind"], reply: Buffer, random: () => number): LinkFault {
  switch (kind) {
    case "split":
      return { kind, chunkSize: 1 + Math.floor(random() * 4) };
    case "garbage":
      return { kind, bytes: [Math.floor(random() * 256)], where: random() < 0.5 ? "before" : "after" };
    case "corrupt":
      return {
        kind,
        offset: Math.floor(random() * Math.max(1, reply.length)),
        xor: 1 + Math.floor(random() * 255),
      };
    case "delay":
      return { kind, ms: Math.floor(random() * 50) };
    default:
      return { kind } as LinkFault;
  }
}
