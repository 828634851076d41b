/**
 * A column of a reconciliation file: its name (the CSV header and the JSON key), its type as
 * docs/reconciliation-files.md documents it, and how a row's value is computed. Values are JSON
 * scalars; `null` is an absent optional value (an empty CSV field).
 */
export type ColumnType = "string" | "digits" | "integer" | "yuan" | "boolean" | "timestamp" | "local-time";
export type CellValue = string | number | boolean | null;

export interface Column<R> {
  name: string;
  type: ColumnType;
  value: (row: R) => CellValue;
}

export function column<R>(
  name: string,
  type: ColumnType,
  value: (row: R) => CellValue | undefined,
): Column<R> {
  return { name, type, value: (row) => value(row) ?? null };
}
