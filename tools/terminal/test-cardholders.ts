import { DEFAULT_CARDS } from "../host-sim/default-cards.js";

/** The rig's unattended cardholders: each test card's PIN (public test data of the simulator's cards). */
export function testCardholderPin(pan: string): string | undefined {
  return DEFAULT_CARDS.find((card) => card.pan === pan)?.pin;
}
