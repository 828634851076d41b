import { describe, expect, it } from "vitest";
import { EventFanout } from "../../../drivers/core/event-fanout.js";

describe("EventFanout", () => {
  it("delivers to listeners and iterators, in order, and ends iterators on end()", async () => {
    const events = new EventFanout<number>();
    const heard: number[] = [];
    const off = events.on((n) => heard.push(n));
    const iterator = events.iterate();
    events.emit(1);
    events.emit(2);
    off();
    events.emit(3);
    events.end();
    const seen: number[] = [];
    for await (const n of iterator) seen.push(n);
    expect(heard).toEqual([1, 2]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("an aborted signal ends the iterator, and later events are not queued for it", async () => {
    const events = new EventFanout<string>();
    const controller = new AbortController();
    const iterator = events.iterate(controller.signal);
    const next = iterator.next();
    controller.abort();
    expect(await next).toEqual({ value: undefined, done: true });
    events.emit("late");
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});
