import type { BehaviourAction, BehaviourMatch, BehaviourRule, SimTransaction } from "./config.js";

/** What a rule is matched against: the request as the host understood it. */
export interface BehaviourSubject {
  transaction: SimTransaction | undefined;
  mti: string;
  pan: string | undefined;
  amount: number | undefined;
  terminalId: string | undefined;
  merchantId: string | undefined;
}

const ACTION_KEYS = [
  "respondWith",
  "delayMs",
  "noAnswer",
  "drop",
  "badMac",
  "garbage",
  "processingRequirement",
] as const satisfies readonly (keyof BehaviourAction)[];

function matches(m: BehaviourMatch, s: BehaviourSubject): boolean {
  if (m.pan !== undefined && m.pan !== s.pan) return false;
  if (m.mti !== undefined && m.mti !== s.mti) return false;
  if (m.terminalId !== undefined && m.terminalId !== s.terminalId) return false;
  if (m.merchantId !== undefined && m.merchantId !== s.merchantId) return false;
  if (m.amount !== undefined && m.amount !== s.amount) return false;
  if (m.amountMin !== undefined && (s.amount === undefined || s.amount < m.amountMin)) return false;
  if (m.amountMax !== undefined && (s.amount === undefined || s.amount > m.amountMax)) return false;
  if (m.transaction !== undefined) {
    const wanted = Array.isArray(m.transaction) ? m.transaction : [m.transaction];
    if (s.transaction === undefined || !wanted.includes(s.transaction)) return false;
  }
  return true;
}

/**
 * Behaviour switches as data: scenario rules (in order) and then the card's own switches. Each setting
 * comes from the first matching source that sets it, so several switches combine (e.g. a decline that
 * also arrives late). A rule with `times` stops matching after firing that often.
 */
export class Behaviours {
  private readonly rules: { rule: BehaviourRule; fired: number }[] = [];

  constructor(rules: readonly BehaviourRule[] = []) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: BehaviourRule): void {
    this.rules.push({ rule, fired: 0 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  get size(): number {
    return this.rules.length;
  }

  resolve(subject: BehaviourSubject, cardBehaviour: BehaviourAction | undefined): BehaviourAction {
    const sources: BehaviourAction[] = [];
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (!matches(rule.match, subject)) continue;
      entry.fired++;
      sources.push(rule);
    }
    if (cardBehaviour) sources.push(cardBehaviour);
    if (sources.length === 0) return {};
    const merged: Record<string, unknown> = {};
    for (const key of ACTION_KEYS) {
      for (const source of sources) {
        if (source[key] !== undefined) {
          merged[key] = source[key];
          break;
        }
      }
    }
    return merged as BehaviourAction;
  }
}
