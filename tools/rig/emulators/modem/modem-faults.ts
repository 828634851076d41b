/**
 * Device-level faults of the Quectel emulator, as data (§11 "modem"). Link-level faults (split,
 * garbage, silence, disconnect) come from tools/rig/fault-plan.ts `withFaults` on top of these.
 */
export type ModemFault =
  /** AT+CPIN? → +CME ERROR: 10 (SIM not inserted). */
  | { kind: "sim-missing" }
  /** AT+CPIN? → +CPIN: SIM PIN (or SIM PUK). */
  | { kind: "sim-locked"; state?: "SIM PIN" | "SIM PUK" }
  /** Registration stat for +CREG/+CGREG/+CEREG: 0 idle, 2 searching, 3 denied. */
  | { kind: "not-registered"; stat?: 0 | 2 | 3 | 4 }
  /** AT+CSQ → +CSQ: 99,99. */
  | { kind: "csq-unknown" }
  /** AT+QIACT never answers until `releaseHeld()` (then ERROR, as after a 150 s network timeout). */
  | { kind: "qiact-timeout" }
  /** AT+QIACT → ERROR, AT+QIGETERROR → code (561 open PDP context failed). */
  | { kind: "qiact-error"; code?: number }
  /** AT+QIOPEN → OK, then +QIOPEN: id,<code> (566 connect failed) without connecting. */
  | { kind: "qiopen-error"; code?: number }
  /** The next `times` AT+QISEND payloads are answered SEND FAIL (and not forwarded). */
  | { kind: "send-fail"; times?: number }
  /** After the Nth SEND OK (1-based), the TCP connection drops: +QIURC: "closed",id. */
  | { kind: "closed-after-send"; sends?: number }
  /** After the Nth SEND OK (1-based), the network drops the context: +QIURC: "pdpdeact",1. */
  | { kind: "pdpdeact-after-send"; sends?: number }
  /** A URC line written between the information lines and the OK of commands starting with `command`. */
  | { kind: "urc-before-ok"; command: string; urc: string; times?: number }
  /** AT+QISEND: the module enters data mode but the `> ` prompt is lost. */
  | { kind: "no-prompt"; times?: number };
