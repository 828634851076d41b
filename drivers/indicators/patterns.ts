/** What the status LED and the buzzer show, as data (one table to change for a new board or scheme). */

export type IndicatorStatus = "off" | "idle" | "processing" | "approved" | "declined" | "error";
export type BeepPattern = "short" | "long" | "double" | "error";

export interface LightStep {
  green: boolean;
  red: boolean;
  blue: boolean;
  /** How long this step lasts; 0 = hold until the next status. */
  ms: number;
}

export interface LightPattern {
  steps: LightStep[];
  repeat: boolean;
}

const light = (green: boolean, red: boolean, blue: boolean, ms = 0): LightStep => ({ green, red, blue, ms });

export const STATUS_PATTERNS: Readonly<Record<IndicatorStatus, LightPattern>> = {
  off: { steps: [light(false, false, false)], repeat: false },
  /** Steady green: ready for a card. */
  idle: { steps: [light(true, false, false)], repeat: false },
  /** Blue blinking 2 Hz: talking to the card or the host. */
  processing: { steps: [light(false, false, true, 250), light(false, false, false, 250)], repeat: true },
  /** Green, then back to idle after 3 s. */
  approved: { steps: [light(true, false, false, 3000), light(true, false, false)], repeat: false },
  /** Steady red for 3 s, then idle green. */
  declined: { steps: [light(false, true, false, 3000), light(true, false, false)], repeat: false },
  /** Red fast blink until the next status. */
  error: { steps: [light(false, true, false, 100), light(false, false, false, 100)], repeat: true },
};

/** Buzzer on/off durations (ms), alternating on, off, on… */
export const BEEP_PATTERNS: Readonly<Record<BeepPattern, number[]>> = {
  short: [80],
  long: [400],
  double: [80, 80, 80],
  error: [200, 100, 200, 100, 200],
};
