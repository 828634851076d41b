import { displayWidth, labelValue, padEndColumns, padStartColumns } from "./layout.js";

/** Widths of the count and amount columns of the totals tables (label takes the rest). */
function widths(columns: number): { count: number; amount: number } {
  return columns >= 48 ? { count: 8, amount: 16 } : { count: 6, amount: 13 };
}

/**
 * "label   count   amount" with count and amount right-aligned in fixed columns, so rows line up under
 * a heading made by the same function. A label or amount too wide for its column falls back to a label
 * line and a right-aligned "count  amount" line: never wider than `columns`.
 */
export function tableRow(label: string, count: string, amount: string, columns: number): string[] {
  const { count: countWidth, amount: amountWidth } = widths(columns);
  const labelWidth = columns - countWidth - amountWidth;
  if (
    displayWidth(label) <= labelWidth &&
    displayWidth(count) <= countWidth &&
    displayWidth(amount) <= amountWidth - 1
  ) {
    return [
      (
        padEndColumns(label, labelWidth) +
        padStartColumns(count, countWidth) +
        padStartColumns(amount, amountWidth)
      ).trimEnd(),
    ];
  }
  return labelValue(label, `${count}  ${amount}`, columns);
}
