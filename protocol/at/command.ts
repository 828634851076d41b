/** One AT command as the engine sends it: the line, how its reply looks and how long it may take. */
export interface AtCommand {
  /** The command line without the trailing CR (`AT+CSQ`). */
  text: string;
  /** Information prefix of the reply (`+CSQ`), when the reply has one. */
  prefix?: string;
  /** Maximum time for the final result code, from the module's manual / RT-Thread's table. */
  timeoutMs: number;
  /** The module answers `> ` and waits for `payload` (AT+QISEND). */
  expectPrompt?: boolean;
  /** Raw bytes sent after the prompt. */
  payload?: Buffer;
  /** The module aborts this command when any character arrives while it runs (AT+COPS=?, AT+QIACT). */
  abortable?: boolean;
}

/**
 * Per-command maximum response times (ms). Quectel EC2x TCP/IP manual via RT-Thread at_device
 * (§6.1, §6.4): QIACT 150 s, QIDEACT 40 s, QIOPEN's URC 75 s, CPIN 5 s; simple commands 300 ms,
 * rounded up to 1 s for USB-serial latency.
 */
export const AT_TIMEOUTS = {
  default: 1_000,
  cpin: 5_000,
  qiact: 150_000,
  qideact: 40_000,
  qiopenUrc: 75_000,
  qisend: 10_000,
  qiclose: 10_000,
  cops: 180_000,
  cfun: 15_000,
  /** How long to wait for `> ` after AT+QISEND before giving up (ESC is sent then). */
  prompt: 5_000,
} as const;
