import type { ReceiptDocument, ReceiptElement, TextStyle } from "../../protocol/escpos/document.js";
import { displayWidth, labelValue, printable, wrapWords } from "./layout.js";

/**
 * Lays a slip out as receipt elements, one element per printed line: every text is cleaned of control
 * characters and wrapped here to `columns` (at its width multiplier), so the renderer and the printer
 * never wrap a line themselves and what `renderReceiptText` shows is exactly what the paper shows.
 */
export class SlipWriter {
  private readonly elements: ReceiptElement[] = [];

  constructor(
    readonly columns: number,
    /** English beside the Chinese labels. */
    readonly english: boolean,
  ) {}

  /** "商户编号 MERCHANT NO." or "商户编号", as configured. */
  label(cn: string, en: string): string {
    return this.english ? `${cn} ${en}` : cn;
  }

  /** Text wrapped to the line (at its width multiplier); each piece keeps the style. */
  text(text: string, style?: TextStyle): this {
    const scale = Math.max(1, style?.width ?? 1);
    for (const piece of wrapWords(printable(text), Math.floor(this.columns / scale))) {
      this.elements.push({ kind: "text", text: piece, ...(style ? { style } : {}) });
    }
    return this;
  }

  /**
   * Big text (double width and height) when it fits on one line at double width, else normal width
   * bold: an amount must never break over two lines.
   */
  big(text: string, align: "left" | "center" | "right" = "left"): this {
    const fits = displayWidth(printable(text)) * 2 <= this.columns;
    return this.text(text, fits ? { bold: true, width: 2, height: 2, align } : { bold: true, align });
  }

  /** Label left, value right on one line, or on two when both do not fit. */
  pair(label: string, value: string, style?: TextStyle): this {
    for (const line of labelValue(printable(label), printable(value), this.columns)) {
      this.elements.push({ kind: "text", text: line, ...(style ? { style } : {}) });
    }
    return this;
  }

  /** A bilingual label with its value; nothing when the value is missing. */
  field(cn: string, en: string, value: string | undefined, style?: TextStyle): this {
    if (value === undefined || value === "") return this;
    return this.pair(this.label(cn, en), value, style);
  }

  /** The merchant block every slip opens with: name (and English name), merchant, terminal, operator. */
  merchant(
    names: { merchantName: string; merchantNameEn?: string },
    ids: { merchantId: string; terminalId: string; operator: string },
  ): this {
    this.text(`${this.label("商户名称", "MERCHANT NAME")}:`);
    this.text(names.merchantName);
    if (this.english && names.merchantNameEn) this.text(names.merchantNameEn);
    this.field("商户编号", "MERCHANT NO.", ids.merchantId);
    this.field("终端编号", "TERMINAL NO.", ids.terminalId);
    return this.field("操作员号", "OPERATOR", ids.operator);
  }

  rule(char = "-"): this {
    this.elements.push({ kind: "text", text: char.repeat(this.columns) });
    return this;
  }

  feed(lines: number): this {
    this.elements.push({ kind: "feed", lines });
    return this;
  }

  qr(content: string): this {
    this.elements.push({ kind: "qr", content, align: "center", size: this.columns >= 48 ? 6 : 5 });
    return this;
  }

  /** Feed past the tear bar, then a partial cut (the slip stays hanging until torn off). */
  finish(): ReceiptDocument {
    this.elements.push({ kind: "feed", lines: 3 }, { kind: "cut", partial: true });
    return { columns: this.columns, elements: this.elements };
  }
}
