import { describe, expect, it } from "vitest";
import { ConnectBackoff } from "../../../firmware/acquirer/index.js";

describe("ConnectBackoff", () => {
  it("grows from initial by factor up to max, measured from each failure", () => {
    const backoff = new ConnectBackoff({ initialMs: 250, maxMs: 5000, factor: 3 });
    expect(backoff.remaining(0)).toBe(0);
    const waits = [0, 1, 2, 3, 4, 5].map((i) => backoff.failed(i * 10_000));
    expect(waits).toEqual([250, 750, 2250, 5000, 5000, 5000]);
    expect(backoff.remaining(50_000)).toBe(5000);
    expect(backoff.remaining(54_000)).toBe(1000);
    expect(backoff.remaining(60_000)).toBe(0);
    expect(backoff.failureCount).toBe(6);
  });

  it("factor defaults to 2 and a success resets", () => {
    const backoff = new ConnectBackoff({ initialMs: 100, maxMs: 1000 });
    expect([backoff.failed(0), backoff.failed(0), backoff.failed(0)]).toEqual([100, 200, 400]);
    backoff.succeeded();
    expect(backoff.remaining(0)).toBe(0);
    expect(backoff.failed(0)).toBe(100);
  });

  it("refuses nonsense settings", () => {
    expect(() => new ConnectBackoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new ConnectBackoff({ initialMs: 10, maxMs: 50, factor: 0.5 })).toThrow(RangeError);
  });
});
