/**
 * The terminal's POITransactionID.TransactionID: batch and trace number as the slip prints them,
 * "000001-000123". Unique on the terminal until the batch number wraps, and enough to find the journal row.
 */
export function poiTransactionId(batch: string, stan: string): string {
  return `${batch}-${stan}`;
}

export function parsePoiTransactionId(id: string): { batch: string; stan: string } | undefined {
  const match = /^(\d{6})-(\d{6})$/.exec(id);
  return match ? { batch: match[1]!, stan: match[2]! } : undefined;
}
