import { describe, expect, it } from "vitest";
import { benchEmv } from "../../../../bench/emv.js";
import { resultTable } from "../../../../bench/measure.js";

describe("bench/emv.ts against the rig's virtual cards", () => {
  it("drives every kernel to its outcome with the card in the field well under 500 ms", async () => {
    const results = await benchEmv({ runs: 2 });
    process.stdout.write(`${resultTable(results)}\n`);
    const field = results.filter((r) => r.name.endsWith("card in field"));
    expect(field).toHaveLength(4);
    for (const r of field) {
      const ms = Number(/^([\d.]+) ms/.exec(r.note ?? "")?.[1]);
      expect(ms).toBeLessThan(500);
    }
    expect(results.some((r) => r.name.includes("RSA signature"))).toBe(true);
  });
});
