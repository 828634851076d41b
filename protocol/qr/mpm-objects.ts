import { QrError } from "./qr-error.js";

/**
 * The EMVCo MPM data object: ID (2 digits) ‖ length (2 digits) ‖ value. Lengths and positions count
 * characters (Unicode code points), not bytes: `0104最佳运输` is a 4-character value.
 */
export interface MpmObject {
  /** Two decimal digits, e.g. "26". */
  id: string;
  value: string;
  /** Character position of the ID in the whole payload. */
  position: number;
  /** Parsed sub-objects for template IDs (26–51, 62, 64, 80–99). */
  children?: MpmObject[];
}

const TWO_DIGITS = /^\d{2}$/;

/** Splits `chars` (code points) into ID-length-value objects; `base` and `parent` locate errors. */
export function splitObjects(chars: readonly string[], base: number, parent?: string): MpmObject[] {
  const objects: MpmObject[] = [];
  let pos = 0;
  while (pos < chars.length) {
    const at = base + pos;
    if (chars.length - pos < 4) {
      throw new QrError(`${chars.length - pos} characters left, an ID and length need 4`, {
        path: parent === undefined ? "payload" : `ID ${parent}`,
        offset: at,
      });
    }
    const id = chars.slice(pos, pos + 2).join("");
    const path = parent === undefined ? `ID ${id}` : `ID ${parent}.${id}`;
    if (!TWO_DIGITS.test(id)) {
      throw new QrError(`ID ${JSON.stringify(id)} is not two digits`, { path: path, offset: at });
    }
    const lengthText = chars.slice(pos + 2, pos + 4).join("");
    if (!TWO_DIGITS.test(lengthText)) {
      throw new QrError(`length ${JSON.stringify(lengthText)} is not two digits`, { path, offset: at + 2 });
    }
    const length = Number(lengthText);
    if (length === 0) throw new QrError("zero-length value", { path, offset: at + 2 });
    if (pos + 4 + length > chars.length) {
      throw new QrError(`length ${length} runs past the end (${chars.length - pos - 4} characters left)`, {
        path,
        offset: at + 2,
      });
    }
    objects.push({ id, value: chars.slice(pos + 4, pos + 4 + length).join(""), position: at });
    pos += 4 + length;
  }
  return objects;
}

/** Encodes objects back to text; a template's value is re-encoded from its children when present. */
export function joinObjects(objects: readonly MpmObject[], parent?: string): string {
  let out = "";
  for (const object of objects) {
    const path = parent === undefined ? `ID ${object.id}` : `ID ${parent}.${object.id}`;
    if (!TWO_DIGITS.test(object.id)) throw new QrError("ID must be two digits", { path });
    const value = object.children ? joinObjects(object.children, object.id) : object.value;
    const length = Array.from(value).length;
    if (length < 1 || length > 99) throw new QrError(`value length ${length} is outside 1..99`, { path });
    out += `${object.id}${String(length).padStart(2, "0")}${value}`;
  }
  return out;
}
