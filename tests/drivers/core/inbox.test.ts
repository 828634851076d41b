import { describe, expect, it } from "vitest";
import { CommandQueue } from "../../../drivers/core/command-queue.js";
import {
  DeviceCancelledError,
  DeviceDisconnectedError,
  DeviceTimeoutError,
} from "../../../drivers/core/device-error.js";
import { Inbox } from "../../../drivers/core/inbox.js";
import { ManualClock } from "../../support/manual-clock.js";

describe("Inbox", () => {
  it("hands a waiting caller the first matching item, leaving others queued", async () => {
    const inbox = new Inbox<string>("test", new ManualClock());
    const reply = inbox.next({ timeoutMs: 100, match: (s) => s.startsWith("R") });
    inbox.push("event");
    inbox.push("R1");
    await expect(reply).resolves.toBe("R1");
    await expect(inbox.next({ timeoutMs: 100 })).resolves.toBe("event");
  });

  it("times out on the injected clock and clears its timer", async () => {
    const clock = new ManualClock();
    const inbox = new Inbox<string>("pinpad", clock);
    const reply = inbox.next({ timeoutMs: 2000, what: "ACK" });
    clock.advance(1999);
    inbox.push("unrelated");
    // "unrelated" satisfied the default matcher; ask again with a matcher that never matches.
    await expect(reply).resolves.toBe("unrelated");
    const never = inbox.next({ timeoutMs: 2000, what: "ACK", match: () => false });
    clock.advance(2000);
    await expect(never).rejects.toThrow(DeviceTimeoutError);
    await expect(never).rejects.toThrow("pinpad: no ACK within 2000 ms");
    expect(clock.pendingTimers).toBe(0);
  });

  it("never hands a reply that arrived after its timeout to the next command once discarded", async () => {
    const clock = new ManualClock();
    const inbox = new Inbox<string>("host", clock);
    const first = inbox.next({ timeoutMs: 10 });
    clock.advance(10);
    await expect(first).rejects.toThrow(DeviceTimeoutError);
    inbox.push("late reply to command 1");
    expect(inbox.discard()).toEqual(["late reply to command 1"]);
    const second = inbox.next({ timeoutMs: 10 });
    inbox.push("reply to command 2");
    await expect(second).resolves.toBe("reply to command 2");
  });

  it("rejects on abort, before and during the wait", async () => {
    const inbox = new Inbox<string>("nfc", new ManualClock());
    const controller = new AbortController();
    const waiting = inbox.next({ timeoutMs: 1000, signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toThrow(DeviceCancelledError);
    await expect(inbox.next({ timeoutMs: 1000, signal: controller.signal })).rejects.toThrow(
      DeviceCancelledError,
    );
  });

  it("fails every waiter and later call when the link closes, until reset", async () => {
    const inbox = new Inbox<string>("printer", new ManualClock());
    const waiting = inbox.next({ timeoutMs: 1000 });
    inbox.fail();
    await expect(waiting).rejects.toThrow(DeviceDisconnectedError);
    await expect(inbox.next({ timeoutMs: 1000 })).rejects.toThrow(DeviceDisconnectedError);
    inbox.reset();
    inbox.push("after reopen");
    await expect(inbox.next({ timeoutMs: 1000 })).resolves.toBe("after reopen");
  });
});

describe("CommandQueue", () => {
  it("runs one command at a time, in order, even when one fails", async () => {
    const queue = new CommandQueue("test");
    const log: string[] = [];
    const slow =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setImmediate(r));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(slow("a")),
      queue.run(slow("b", true)),
      queue.run(slow("c")),
    ]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(queue.depth).toBe(0);
  });

  it("drops a queued command whose signal aborted before its turn", async () => {
    const queue = new CommandQueue("test");
    const controller = new AbortController();
    let ran = false;
    const first = queue.run(() => new Promise((r) => setImmediate(r)));
    const second = queue.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await first;
    await expect(second).rejects.toThrow(DeviceCancelledError);
    expect(ran).toBe(false);
  });
});
