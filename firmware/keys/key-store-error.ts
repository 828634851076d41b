/** A key store refusal: wrong purpose, missing key, failed check value, tampered store, erased device. */
export class KeyStoreError extends Error {
  override name = "KeyStoreError";
  constructor(
    message: string,
    readonly slot?: string,
  ) {
    super(slot ? `key slot ${slot}: ${message}` : message);
  }
}
