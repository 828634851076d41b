import type { RigTerminal } from "../terminal/rig-terminal.js";
import type { PlannedStep } from "./scenario.js";

/** Every fault the soak can inject, host side and device side. */
export const FAULT_KINDS = [
  "host-no-answer",
  "host-late-answer",
  "host-drop-before",
  "host-drop-after",
  "host-garbage",
  "host-bad-mac",
  "decline-51",
  "decline-05",
  "decline-55",
  "re-sign-in-a0",
  "re-sign-in-pr3",
  "host-down",
  "paper-out-mid-slip",
  "card-removed-mid-apdu",
  "contactless-retap",
  "pin-cancel",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What the runner saw of a faulted transaction, after the reversal queue was flushed. */
export interface Observed {
  /** The journal row's status, or "refused" (TransactionError before a row) / "error" (anything else thrown). */
  status: string;
  responseCode?: string;
  reversalReason?: string;
  reSignInRequired: boolean;
  /** The slip was held by the printer (paper out) and completed after paper was loaded. */
  slipHeld: boolean;
  /** A contactless read asked for the card again and was re-tapped. */
  retapped: boolean;
  error?: string;
}

export interface FaultTarget {
  t: RigTerminal;
  /** The request MTI and amount the host rule matches (the faulted transaction only). */
  mti: string;
  amount: number;
  responseTimeoutMs: number;
}

export interface FaultSpec {
  kind: FaultKind;
  description: string;
  appliesTo(step: PlannedStep): boolean;
  /** The sale a step is reshaped into when the fault does not apply to it (default: a swipe). */
  needs?: { entry: "swipe" | "insert" | "tap"; card: string };
  arm(target: FaultTarget): void | Promise<void>;
  /** Undoes what the fault left behind (host back up, unused device faults dropped). */
  disarm?(target: FaultTarget): void | Promise<void>;
  /** A reason when the outcome is not one the terminal should reach under this fault. */
  check(observed: Observed): string | undefined;
}

const online = (s: PlannedStep) => s.kind === "sale" || s.kind === "preauth";
const chipRead = (s: PlannedStep) =>
  s.entry === "insert" && (s.kind === "sale" || s.kind === "preauth" || s.kind === "balance");

function hostRule(target: FaultTarget, action: Record<string, unknown>, name: string): void {
  target.t.host.addBehaviour({
    name,
    match: { mti: target.mti, amount: target.amount },
    times: 1,
    ...action,
  });
}

function expectReversal(reasons: readonly string[], alsoFailed = false) {
  return (o: Observed): string | undefined => {
    if (o.status === "reversed" && (!o.reversalReason || reasons.includes(o.reversalReason)))
      return undefined;
    if (alsoFailed && o.status === "failed") return undefined;
    return `expected reversed (${reasons.join("/")})${alsoFailed ? " or failed" : ""}, got ${describe(o)}`;
  };
}

function describe(o: Observed): string {
  return `${o.status}${o.responseCode ? ` ${o.responseCode}` : ""}${o.reversalReason ? ` reversal ${o.reversalReason}` : ""}${o.error ? ` (${o.error})` : ""}`;
}

function decline(code: string): FaultSpec {
  return {
    kind: `decline-${code}` as FaultKind,
    description: `the issuer declines with ${code}`,
    appliesTo: online,
    arm: (t) => hostRule(t, { respondWith: code }, `soak decline ${code}`),
    check: (o) =>
      o.status === "declined" && o.responseCode === code && !o.reversalReason
        ? undefined
        : `expected declined ${code} without reversal, got ${describe(o)}`,
  };
}

/** Runs the printer out of paper after `lines` more printed lines (mid-slip), once per arming. */
class PaperTap {
  private left: number | undefined;

  constructor(private readonly t: RigTerminal) {
    const lines = t.rig.printer.lines;
    const push = lines.push.bind(lines);
    lines.push = (...items: string[]) => {
      const n = push(...items);
      if (this.left !== undefined && --this.left <= 0) {
        this.left = undefined;
        this.t.rig.paperOut();
      }
      return n;
    };
  }

  arm(lines: number): void {
    this.left = lines;
  }

  disarm(): void {
    this.left = undefined;
  }
}

const paperTaps = new WeakMap<RigTerminal, PaperTap>();
function paperTap(t: RigTerminal): PaperTap {
  let tap = paperTaps.get(t);
  if (!tap) {
    tap = new PaperTap(t);
    paperTaps.set(t, tap);
  }
  return tap;
}

const downAt = new WeakMap<RigTerminal, { host: string; port: number }>();

export const FAULTS: Readonly<Record<FaultKind, FaultSpec>> = {
  "host-no-answer": {
    kind: "host-no-answer",
    description: "the host takes the request and never answers (timeout → reversal 98)",
    appliesTo: online,
    arm: (t) => hostRule(t, { noAnswer: true }, "soak no answer"),
    check: expectReversal(["98"]),
  },
  "host-late-answer": {
    kind: "host-late-answer",
    description: "the answer arrives after the terminal's response timeout",
    appliesTo: online,
    arm: (t) => hostRule(t, { delayMs: t.responseTimeoutMs + 400 }, "soak late answer"),
    check: expectReversal(["98"]),
  },
  "host-drop-before": {
    kind: "host-drop-before",
    description: "the connection drops before the host processes the request",
    appliesTo: online,
    arm: (t) => hostRule(t, { drop: "before" }, "soak drop before"),
    check: expectReversal(["98"], true),
  },
  "host-drop-after": {
    kind: "host-drop-after",
    description: "the connection drops after the host approved (unknown outcome → reversal 98)",
    appliesTo: online,
    arm: (t) => hostRule(t, { drop: "after" }, "soak drop after"),
    check: expectReversal(["98"]),
  },
  "host-garbage": {
    kind: "host-garbage",
    description: "the host answers random bytes behind a valid length prefix",
    appliesTo: online,
    arm: (t) => hostRule(t, { garbage: "framed" }, "soak garbage"),
    check: expectReversal(["98", "A0", "96", "06"]),
  },
  "host-bad-mac": {
    kind: "host-bad-mac",
    description: "the answer's MAC is wrong (→ reversal A0)",
    appliesTo: online,
    arm: (t) => hostRule(t, { badMac: true }, "soak bad mac"),
    check: expectReversal(["A0"]),
  },
  "decline-51": decline("51"),
  "decline-05": decline("05"),
  "decline-55": decline("55"),
  "re-sign-in-a0": {
    kind: "re-sign-in-a0",
    description: "the host answers A0 (MAC key out of step): sign in again before the next transaction",
    appliesTo: online,
    arm: (t) => hostRule(t, { respondWith: "A0" }, "soak A0"),
    check: (o) =>
      o.status === "declined" && o.responseCode === "A0" && o.reSignInRequired
        ? undefined
        : `expected declined A0 with a re-sign-in pending, got ${describe(o)}`,
  },
  "re-sign-in-pr3": {
    kind: "re-sign-in-pr3",
    description: "an approval whose header asks for a new sign-in (processing requirement 3)",
    appliesTo: online,
    arm: (t) => hostRule(t, { processingRequirement: 3 }, "soak processing requirement 3"),
    check: (o) =>
      (o.status === "approved" || o.status === "declined") && o.reSignInRequired
        ? undefined
        : `expected a re-sign-in pending after the answer, got ${describe(o)}`,
  },
  "host-down": {
    kind: "host-down",
    description: "the host listener is stopped (connection refused) and restarted after the transaction",
    appliesTo: (s) => s.kind !== "completion",
    arm: async ({ t }) => {
      const address = t.host.address;
      if (!address) throw new Error("host not listening");
      downAt.set(t, address);
      await t.host.stop();
    },
    disarm: async ({ t }) => {
      const address = downAt.get(t);
      if (!address) return;
      downAt.delete(t);
      await t.host.start(address);
      // The link backs off after refused connections; the operator tries again a moment later.
      const end = Date.now() + 5000;
      while (t.app.link.backoffRemainingMs > 0 && Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    // Refused connection: nothing left, nothing to undo. A request written into a kept-alive socket the
    // host had already closed is an unknown outcome: reversed (98) once the host is back is right too.
    check: (o) =>
      o.status === "failed" ||
      o.status === "refused" ||
      (o.status === "reversed" && o.reversalReason === "98")
        ? undefined
        : `expected failed (host unreachable) or reversed 98, got ${describe(o)}`,
  },
  "paper-out-mid-slip": {
    kind: "paper-out-mid-slip",
    description: "the roll runs out a few lines into the slip; paper loaded, the slip resumes",
    appliesTo: (s) => s.kind !== "balance",
    arm: ({ t }) => paperTap(t).arm(4),
    disarm: ({ t }) => paperTap(t).disarm(),
    check: (o) =>
      o.status !== "approved" || o.slipHeld
        ? undefined
        : `expected the approved slip to be held by the printer and completed, got ${describe(o)}`,
  },
  "card-removed-mid-apdu": {
    kind: "card-removed-mid-apdu",
    description: "the chip card is pulled out while an APDU runs",
    appliesTo: chipRead,
    needs: { entry: "insert", card: "cup-debit" },
    arm: ({ t }) => t.rig.contactReader!.inject({ on: "xfr", skip: 2, fault: { kind: "remove-card" } }),
    check: (o) =>
      o.status === "approved" || o.status === "pending"
        ? `expected the read to fail (card gone), got ${describe(o)}`
        : undefined,
  },
  "contactless-retap": {
    kind: "contactless-retap",
    description: "the card leaves the field mid-APDU (PN532 status 01); the cardholder taps again",
    appliesTo: (s) => s.entry === "tap",
    needs: { entry: "tap", card: "cup-debit" },
    arm: ({ t }) => t.rig.nfc!.faults.add({ kind: "status", status: 0x01, removeCard: true, skip: 1 }),
    check: (o) =>
      o.retapped || o.status === "failed" || o.status === "refused"
        ? undefined
        : `expected "present the card again" and a re-tap, got ${describe(o)}`,
  },
  "pin-cancel": {
    kind: "pin-cancel",
    description: "the cardholder presses Cancel on the PIN pad",
    appliesTo: (s) => chipRead(s) && s.card === "cup-debit",
    needs: { entry: "insert", card: "cup-debit" },
    arm: ({ t }) => t.rig.pinpad.cardholder.cancelByCardholder(),
    // A prompt that never came must not cancel the next cardholder's PIN.
    disarm: ({ t }) => t.rig.pinpad.cardholder.clear(),
    check: (o) =>
      o.status === "approved" || o.status === "pending"
        ? `expected the transaction to stop at the PIN pad, got ${describe(o)}`
        : undefined,
  },
};
