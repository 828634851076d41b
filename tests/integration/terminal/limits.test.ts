import { afterEach, describe, expect, it } from "vitest";
import { TransactionError } from "../../../firmware/transactions/transaction-error.js";
import { type Day, pay, quick, startDay, swipe } from "./support/rig-day.js";

let day: Day | undefined;
afterEach(async () => {
  await day?.t.stop();
  day = undefined;
});

describe("limits that need the card", () => {
  it("velocity: the third approval on the same card within the window is refused before anything is sent", async () => {
    day = await startDay(
      quick({
        settings: (s) => ({ ...s, limits: { ...s.limits, velocity: { maxPerCard: 2, windowMinutes: 10 } } }),
      }),
    );
    const { t, wire } = day;
    for (const amount of [100, 200]) {
      expect((await pay(t, { amount, card: swipe("cup-magstripe") })).status).toBe("approved");
    }
    const sent = wire.length;
    const third = pay(t, { amount: 300, card: swipe("cup-magstripe") });
    await expect(third).rejects.toBeInstanceOf(TransactionError);
    await expect(third).rejects.toMatchObject({ code: "refused" });
    expect(wire.length).toBe(sent);
    // Another card is not affected.
    expect((await pay(t, { amount: 300, card: swipe("cup-credit") })).status).toBe("approved");
  });
});
