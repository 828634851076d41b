import { buildPositional, type PositionalLayout, parsePositional } from "./positional.js";

/** Field 61 (n..29) 原始信息域: what a void, refund, completion or reversal refers to. */
export interface Field61 {
  /** 61.1 n6 original batch. */
  originalBatch: string;
  /** 61.2 n6 original STAN. */
  originalStan?: string;
  /** 61.3 n4 original date MMDD. */
  originalDate?: string;
  /** 61.4 n2 original authorization method (completion) [1]. */
  authMethod?: string;
  /** 61.5 n..11 original authorizing institution [1]. */
  authInstitution?: string;
}

export const FIELD61_LAYOUT: PositionalLayout = {
  field: 61,
  required: 1,
  subs: [
    { key: "originalBatch", id: "61.1", length: 6, charset: "n" },
    { key: "originalStan", id: "61.2", length: 6, charset: "n" },
    { key: "originalDate", id: "61.3", length: 4, charset: "n" },
    { key: "authMethod", id: "61.4", length: 2, charset: "n" },
    { key: "authInstitution", id: "61.5", length: 11, charset: "n", variable: true },
  ],
};

export function parseField61(value: string): Field61 {
  return parsePositional(FIELD61_LAYOUT, value) as unknown as Field61;
}

export function buildField61(record: Field61): string {
  return buildPositional(FIELD61_LAYOUT, record as unknown as Record<string, string | undefined>);
}
