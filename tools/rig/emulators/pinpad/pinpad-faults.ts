/**
 * Device-level faults of the PIN pad emulator, as data (device-protocols.md §11). Link faults (split,
 * garbage, delay, disconnect) come from tools/rig/fault-plan.ts `withFaults` on top of these.
 *
 * A rule fires on the next command whose id matches `command` (any command when omitted) — except
 * `lose-can`, which applies to CAN bytes. Counted faults (`times`) stay armed until used up.
 */
export type PinPadFault =
  /** Answer the command with NAK `times` times before ACKing it (3 = the host gives up). */
  | { kind: "nak"; times: number }
  /** Ignore the command `times` times: no ACK, no response. */
  | { kind: "no-ack"; times: number }
  /** Send the response with a broken CRC `times` times (the host NAKs, the pad resends). */
  | { kind: "corrupt-response"; times: number }
  /** ACK the command, then answer it with this status (012, 013, 042, 044…) instead of running it. */
  | { kind: "status"; status: number }
  /** Ignore the next `times` CAN bytes (no EOT). */
  | { kind: "lose-can"; times: number }
  /** ACK the command, start it (PIN prompt shown), then lose power: state reset, link dropped. */
  | { kind: "power-cycle" };

export interface PinPadFaultRule {
  command?: string;
  fault: PinPadFault;
}

type Armed = { command?: string; fault: PinPadFault; left: number };

/** The armed rules; the emulator asks it at each command and each CAN. */
export class PinPadFaultPlan {
  private readonly rules: Armed[] = [];

  constructor(rules: readonly PinPadFaultRule[] = []) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: PinPadFaultRule): void {
    const left = "times" in rule.fault ? rule.fault.times : 1;
    const armed: Armed = { fault: rule.fault, left };
    if (rule.command !== undefined) armed.command = rule.command;
    this.rules.push(armed);
  }

  /** Consumes one use of the first armed rule of `kind` for `command`. */
  take<K extends PinPadFault["kind"]>(
    kind: K,
    command?: string,
  ): Extract<PinPadFault, { kind: K }> | undefined {
    const index = this.rules.findIndex(
      (r) =>
        r.fault.kind === kind && (r.command === undefined || command === undefined || r.command === command),
    );
    if (index === -1) return undefined;
    const rule = this.rules[index]!;
    rule.left--;
    if (rule.left <= 0) this.rules.splice(index, 1);
    return rule.fault as Extract<PinPadFault, { kind: K }>;
  }

  get armed(): number {
    return this.rules.length;
  }
}
