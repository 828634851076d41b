/** Why the terminal refused an image or could not pick a slot; `reason` is stable for callers and tests. */
export type UpdateRefusal =
  | "malformed"
  | "unknown-key"
  | "wrong-key"
  | "bad-signature"
  | "wrong-arch"
  | "rollback"
  | "reinstall"
  | "trial-pending"
  | "install-in-progress"
  | "bad-state"
  | "no-bootable-slot";

export class UpdateError extends Error {
  readonly reason: UpdateRefusal;

  constructor(reason: UpdateRefusal, message: string, options: { cause?: unknown } = {}) {
    super(`${reason}: ${message}`, options);
    this.name = "UpdateError";
    this.reason = reason;
  }
}
