import { describe, expect, it } from "vitest";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { seededRandom, withFaults } from "../../../tools/rig/fault-plan.js";

async function collect(host: ByteLink, action: () => Promise<void>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  host.onData((c) => chunks.push(c));
  await action();
  await new Promise((r) => setTimeout(r, 5));
  return chunks;
}

describe("fault plans on an emulator's replies", () => {
  it("splits, adds garbage and corrupts exactly as the rule says, then behaves", async () => {
    const { host, device } = createMemoryLinkPair();
    const faulty = withFaults(device, {
      rules: [
        {
          reply: 0,
          faults: [
            { kind: "garbage", bytes: [0xee], where: "before" },
            { kind: "corrupt", offset: 2, xor: 0xff },
            { kind: "split", chunkSize: 1 },
          ],
        },
      ],
    });
    const chunks = await collect(host, async () => {
      await faulty.write(Buffer.from([1, 2, 3]));
      await faulty.write(Buffer.from([4, 5]));
    });
    expect(chunks.map((c) => [...c])).toEqual([[0xee], [1], [2 ^ 0xff], [3], [4, 5]]);
    expect(faulty.counters).toEqual({ replies: 2, injected: { garbage: 1, corrupt: 1, split: 1 } });
  });

  it("stays silent or disconnects on a matching reply", async () => {
    const { host, device } = createMemoryLinkPair();
    const faulty = withFaults(device, {
      rules: [
        { startsWith: [0x00, 0x00, 0xff], faults: [{ kind: "silence" }] },
        { reply: 1, faults: [{ kind: "disconnect" }] },
      ],
    });
    let closed = false;
    host.onClose(() => {
      closed = true;
    });
    const chunks = await collect(host, async () => {
      await faulty.write(Buffer.from([0x00, 0x00, 0xff, 0x01]));
      await faulty.write(Buffer.from([9]));
    });
    expect(chunks).toEqual([]);
    expect(closed).toBe(true);
  });

  it("injects seeded random faults reproducibly", async () => {
    const run = async () => {
      const { host, device } = createMemoryLinkPair();
      const faulty = withFaults(device, {
        random: { rate: 0.5, seed: 42, kinds: ["garbage", "corrupt", "split"] },
      });
      const chunks = await collect(host, async () => {
        for (let i = 0; i < 20; i++) await faulty.write(Buffer.from([i, i, i]));
      });
      return { bytes: Buffer.concat(chunks).toString("hex"), counters: faulty.counters };
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(Object.values(a.counters.injected).reduce((x, y) => x + (y ?? 0), 0)).toBeGreaterThan(3);
    const r = seededRandom(1);
    expect(r()).not.toBe(r());
  });
});
