import { buildPositional, type PositionalLayout, parsePositional } from "./positional.js";

/** Field 44 (ans..25) 附加响应数据: issuer id (11, space-padded) + acquirer id. Kept unpadded-as-sent. */
export interface Field44 {
  /** 44.1 ans11 issuing institution id, e.g. "03080000   ". */
  issuerId: string;
  /** 44.2 ans..14 acquiring institution id. */
  acquirerId?: string;
}

export const FIELD44_LAYOUT: PositionalLayout = {
  field: 44,
  required: 1,
  subs: [
    { key: "issuerId", id: "44.1", length: 11, charset: "ans" },
    { key: "acquirerId", id: "44.2", length: 14, charset: "ans", variable: true },
  ],
};

export function parseField44(value: string): Field44 {
  return parsePositional(FIELD44_LAYOUT, value) as unknown as Field44;
}

export function buildField44(record: Field44): string {
  return buildPositional(FIELD44_LAYOUT, record as unknown as Record<string, string | undefined>);
}
