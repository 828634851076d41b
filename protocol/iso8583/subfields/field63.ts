import { buildPositional, type PositionalLayout, parsePositional } from "./positional.js";

/**
 * Field 63 (ans..163). Request: 63.1 = operator code ("01 ", "001"). Response: 63.1 = card
 * organisation ("CUP", "VIS", "MCC", "JCB", "AMX") and 63.2 = issuer / centre text.
 */
export interface Field63 {
  /** 63.1 an3: operator (request) or card organisation (response). */
  code: string;
  /** 63.2 ans..160. */
  text?: string;
}

export const FIELD63_LAYOUT: PositionalLayout = {
  field: 63,
  required: 1,
  subs: [
    { key: "code", id: "63.1", length: 3, charset: "ans" },
    { key: "text", id: "63.2", length: 160, charset: "ans", variable: true },
  ],
};

export function parseField63(value: string): Field63 {
  return parsePositional(FIELD63_LAYOUT, value) as unknown as Field63;
}

export function buildField63(record: Field63): string {
  return buildPositional(FIELD63_LAYOUT, record as unknown as Record<string, string | undefined>);
}
