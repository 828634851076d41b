/**
 * Base of every typed error the pure protocol layer raises.
 *
 * `path` names the element at fault ("field 35", "tag 9F26", "tpdu.id"), `offset` is the byte
 * offset into the input where the problem was found. Both feed the one-line message that
 * `posctl` prints with exit status 2, so an engineer can go straight to the byte.
 */
export class ProtocolError extends Error {
  readonly path: string | undefined;
  readonly offset: number | undefined;

  constructor(message: string, options: { path?: string; offset?: number; cause?: unknown } = {}) {
    const where = [options.path, options.offset === undefined ? undefined : `offset ${options.offset}`]
      .filter((part) => part !== undefined)
      .join(", ");
    super(where ? `${where}: ${message}` : message, { cause: options.cause });
    this.name = new.target.name;
    this.path = options.path;
    this.offset = options.offset;
  }
}

/** Malformed hex text given to a codec or to posctl. */
export class HexError extends ProtocolError {}
