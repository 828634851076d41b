import { readBootState, type SlotName, writeBootState } from "./boot-state.js";
import { slotPath } from "./slot-writer.js";
import { UpdateError } from "./update-error.js";

export interface BootChoice {
  slot: SlotName;
  /** Directory to boot the firmware from. */
  path: string;
  version: string | null;
  /** True when this boot is one of the new slot's trial boots. */
  trial: boolean;
  /** Trial boots left after this one (0 when not on trial). */
  trialBootsLeft: number;
  /** Set when this boot rolled back: the slot that never reached idle. */
  rolledBack?: { slot: SlotName; version: string | null };
}

/**
 * Run by the boot loader before the firmware starts. A slot on trial boots while it has trial boots
 * left; the count goes down and is persisted BEFORE the boot, so a slot that crashes or hangs before
 * idle uses them up. Then the terminal rolls back to the active slot by itself.
 */
export function bootSelect(dir: string): BootChoice {
  const state = readBootState(dir);
  if (state.trial !== null && state.trialBootsLeft > 0) {
    const trialBootsLeft = state.trialBootsLeft - 1;
    writeBootState(dir, { ...state, trialBootsLeft });
    const slot = state.trial;
    return { slot, path: slotPath(dir, slot), version: state.versions[slot], trial: true, trialBootsLeft };
  }
  let rolledBack: BootChoice["rolledBack"];
  if (state.trial !== null) {
    rolledBack = { slot: state.trial, version: state.versions[state.trial] };
    writeBootState(dir, { ...state, trial: null, trialBootsLeft: 0 });
  }
  if (state.active === null)
    throw new UpdateError("no-bootable-slot", "no active slot to boot or roll back to");
  const slot = state.active;
  return {
    slot,
    path: slotPath(dir, slot),
    version: state.versions[slot],
    trial: false,
    trialBootsLeft: 0,
    ...(rolledBack ? { rolledBack } : {}),
  };
}

/**
 * Called when the terminal reaches idle: a slot on trial becomes the active one. Returns the slot now
 * active; a no-op when nothing is on trial.
 */
export function markHealthy(dir: string): SlotName | null {
  const state = readBootState(dir);
  if (state.trial === null) return state.active;
  writeBootState(dir, { ...state, active: state.trial, trial: null, trialBootsLeft: 0 });
  return state.trial;
}

/**
 * Called by the boot loader when a trial slot did not reach idle in time (it was stopped): drops the
 * trial so the active slot (or the factory release) boots next. Returns false, changing nothing, when
 * `slot` is no longer on trial: it was marked healthy in the meantime.
 */
export function abandonTrial(dir: string, slot: SlotName): boolean {
  const state = readBootState(dir);
  if (state.trial !== slot) return false;
  writeBootState(dir, { ...state, trial: null, trialBootsLeft: 0 });
  return true;
}
