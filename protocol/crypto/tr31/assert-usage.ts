import type { Tr31Header } from "./header.js";
import { Tr31Error } from "./tr31-error.js";

/** What a key slot accepts, e.g. the PIN key slot: { usage: "P0", algorithm: "T", modes: ["E", "B"] }. */
export interface Tr31Slot {
  usage: string | readonly string[];
  algorithm?: string | readonly string[];
  /** Modes of use the slot can live with; omit to accept any. */
  modes?: readonly string[];
}

function list(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/**
 * Refuse a key block whose key usage, algorithm or mode of use does not fit the slot it is being
 * loaded into, so that e.g. a PIN key can never be installed as a MAC key.
 */
export function assertUsage(
  header: Pick<Tr31Header, "keyUsage" | "algorithm" | "modeOfUse">,
  expected: Tr31Slot,
): void {
  const usages = list(expected.usage);
  if (!usages.includes(header.keyUsage)) {
    throw new Tr31Error(`key usage ${header.keyUsage} where ${usages.join("/")} is expected`, {
      path: "keyUsage",
      offset: 5,
    });
  }
  if (expected.algorithm !== undefined && !list(expected.algorithm).includes(header.algorithm)) {
    throw new Tr31Error(
      `algorithm ${header.algorithm} where ${list(expected.algorithm).join("/")} is expected`,
      {
        path: "algorithm",
        offset: 7,
      },
    );
  }
  if (expected.modes !== undefined && !expected.modes.includes(header.modeOfUse)) {
    throw new Tr31Error(`mode of use ${header.modeOfUse} where ${expected.modes.join("/")} is expected`, {
      path: "modeOfUse",
      offset: 8,
    });
  }
}
