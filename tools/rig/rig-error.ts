/** A rig action that cannot be done (unknown card, no chip on the card, no card inserted…): one line. */
export class RigError extends Error {
  override name = "RigError";
}

/**
 * Bad rig data (a card profile file, a script): the message starts with the entry and field at fault,
 * e.g. `cards.json[2].contactless.uid: must be 4, 7 or 10 bytes`.
 */
export class RigDataError extends RigError {
  override name = "RigDataError";

  constructor(
    readonly setting: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${setting}: ${message}`, options);
  }
}

/** `prefix` + a zod-style issue path: `cards.json[2].contactless.uid`. */
export function settingPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out === "" ? String(part) : `.${String(part)}`;
  }
  return out || "(root)";
}
