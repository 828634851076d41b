import { type Charset, isCharset } from "../encoding/ascii.js";
import { fieldPath, Iso8583Error } from "../errors.js";

/**
 * Positional sub-fields as data: "60.1 n2, 60.2 n6, 60.3 n3, …" cut from the flat field value.
 * Sub-fields are present in order; trailing ones may be absent, a sub-field may not be cut short
 * (except the last, when declared `variable`). Parse and build are exact inverses.
 */
export interface SubFieldSpec {
  /** Property name in the typed record. */
  readonly key: string;
  /** Spec name, e.g. "60.2". */
  readonly id: string;
  /** Length, or maximum length when `variable`. */
  readonly length: number;
  readonly charset: Charset;
  /** Only the last sub-field: takes whatever is left, up to `length`. */
  readonly variable?: boolean;
}

export interface PositionalLayout {
  readonly field: number;
  readonly subs: readonly SubFieldSpec[];
  /** How many leading sub-fields must be present. */
  readonly required: number;
}

/** Flat value → record of the sub-fields present. */
export function parsePositional(layout: PositionalLayout, value: string): Record<string, string> {
  const record: Record<string, string> = {};
  let pos = 0;
  for (let i = 0; i < layout.subs.length; i++) {
    const sub = layout.subs[i]!;
    const path = fieldPath(sub.id);
    if (pos >= value.length) {
      if (i < layout.required) throw new Iso8583Error(`missing (value ends at position ${pos})`, { path });
      break;
    }
    const left = value.length - pos;
    let take = sub.length;
    if (left < sub.length) {
      if (!sub.variable) {
        throw new Iso8583Error(`cut short: ${left} of ${sub.length} characters at position ${pos}`, { path });
      }
      take = left;
    }
    const text = value.slice(pos, pos + take);
    if (!isCharset(text, sub.charset)) {
      throw new Iso8583Error(`${JSON.stringify(text)} is not ${sub.charset} data`, { path });
    }
    record[sub.key] = text;
    pos += take;
  }
  if (pos < value.length) {
    throw new Iso8583Error(`${value.length - pos} characters after the last sub-field`, {
      path: fieldPath(layout.field),
    });
  }
  return record;
}

/** Record → flat value; an absent sub-field ends the value, so none may follow it. */
export function buildPositional(
  layout: PositionalLayout,
  record: Readonly<Record<string, string | undefined>>,
): string {
  let out = "";
  let endedAt: SubFieldSpec | undefined;
  for (let i = 0; i < layout.subs.length; i++) {
    const sub = layout.subs[i]!;
    const path = fieldPath(sub.id);
    const text = record[sub.key];
    if (text === undefined) {
      if (i < layout.required) throw new Iso8583Error("missing", { path });
      endedAt ??= sub;
      continue;
    }
    if (endedAt) throw new Iso8583Error(`present while ${endedAt.id} before it is absent`, { path });
    if (typeof text !== "string") throw new Iso8583Error("must be a string", { path });
    const fits = sub.variable ? text.length <= sub.length && text.length > 0 : text.length === sub.length;
    if (!fits) {
      throw new Iso8583Error(
        `must be ${sub.variable ? `1..${sub.length}` : sub.length} characters, got ${text.length}`,
        { path },
      );
    }
    if (!isCharset(text, sub.charset)) {
      throw new Iso8583Error(`${JSON.stringify(text)} is not ${sub.charset} data`, { path });
    }
    out += text;
  }
  return out;
}
