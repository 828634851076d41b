import type { Clock, ClockTimer } from "../../drivers/core/clock.js";

/** A clock that moves only when the test says so: timeouts fire deterministically, with no sleeping. */
export class ManualClock implements Clock {
  private time = 0;
  private timers: { at: number; fn: () => void; timer: ClockTimer }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer = { id: Symbol("timer") };
    this.timers.push({ at: this.time + ms, fn, timer });
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers = this.timers.filter((t) => t.timer !== timer);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
