/** A key-loading file or KBPK the terminal refuses; nothing was loaded. */
export class KeyLoadError extends Error {
  override name = "KeyLoadError";
}
