/**
 * USB boot-keyboard reports (8 bytes: modifier, reserved, six usage codes) back into the characters a
 * keyboard-wedge reader types (HID Usage Tables, keyboard page 0x07; device-protocols.md §3.2). A key
 * counts when it appears in a report (not while held); shift is modifier bit 0x02 or 0x20; Enter ends the
 * swipe. The text is collected in a Buffer that is zeroed once handed over.
 */
const UNSHIFTED: Record<number, string> = {
  44: " ",
  45: "-",
  46: "=",
  47: "[",
  48: "]",
  49: "\\",
  51: ";",
  52: "'",
  53: "`",
  54: ",",
  55: ".",
  56: "/",
};
const SHIFTED: Record<number, string> = {
  44: " ",
  45: "_",
  46: "+",
  47: "{",
  48: "}",
  49: "|",
  51: ":",
  52: '"',
  53: "~",
  54: "<",
  55: ">",
  56: "?",
};
const DIGITS_SHIFTED = "!@#$%^&*()";
export const USAGE_ENTER = 0x28;
export const USAGE_KEYPAD_ENTER = 0x58;
const SHIFT = 0x22;

/** The character of a usage code, or undefined for keys that type nothing we use. */
export function usageToChar(usage: number, shift: boolean): number | undefined {
  if (usage >= 0x04 && usage <= 0x1d) return (shift ? 0x41 : 0x61) + usage - 0x04;
  if (usage >= 0x1e && usage <= 0x27) {
    const index = usage - 0x1e;
    return shift ? DIGITS_SHIFTED.charCodeAt(index) : index === 9 ? 0x30 : 0x31 + index;
  }
  const ch = (shift ? SHIFTED : UNSHIFTED)[usage];
  return ch === undefined ? undefined : ch.charCodeAt(0);
}

/** The key presses (usage, shift) that type `char`: what a wedge emulator sends. */
export function charToUsage(char: number): { usage: number; shift: boolean } | undefined {
  for (const shift of [false, true]) {
    for (let usage = 0x04; usage <= 0x38; usage++)
      if (usageToChar(usage, shift) === char) return { usage, shift };
  }
  return undefined;
}

const MAX_LINE = 512;

export class KeyboardWedgeDecoder {
  private held = new Set<number>();
  private readonly line = Buffer.alloc(MAX_LINE);
  private length = 0;
  private overflow = false;

  constructor(private readonly reportIdPrefix = false) {}

  get pending(): number {
    return this.length;
  }

  /** Feeds one input report; returns the completed lines (swipes), each a fresh Buffer the caller owns. */
  push(report: Uint8Array): Buffer[] {
    const r = this.reportIdPrefix ? report.subarray(1) : report;
    if (r.length < 3) return [];
    const shift = (r[0]! & SHIFT) !== 0;
    const now = new Set<number>();
    const lines: Buffer[] = [];
    for (const usage of r.subarray(2)) {
      if (usage <= 0x03) continue; // none / rollover error codes
      now.add(usage);
      if (this.held.has(usage)) continue;
      if (usage === USAGE_ENTER || usage === USAGE_KEYPAD_ENTER) {
        if (this.length > 0 && !this.overflow) lines.push(Buffer.from(this.line.subarray(0, this.length)));
        this.reset();
        continue;
      }
      const ch = usageToChar(usage, shift);
      if (ch === undefined) continue;
      if (this.length >= MAX_LINE) this.overflow = true;
      else this.line[this.length++] = ch;
    }
    this.held = now;
    return lines;
  }

  /** Drops a half-typed line (inter-key timeout) and wipes it. */
  reset(): void {
    this.line.fill(0, 0, this.length);
    this.length = 0;
    this.overflow = false;
  }
}
