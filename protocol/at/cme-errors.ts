/**
 * 3GPP TS 27.007 §9.2 +CME ERROR codes the terminal acts on, with the verbose texts modules print
 * under AT+CMEE=2 (so numeric and verbose modes decode to the same code).
 */
export const CME_ERRORS: Readonly<Record<number, string>> = {
  3: "operation not allowed",
  4: "operation not supported",
  10: "SIM not inserted",
  11: "SIM PIN required",
  12: "SIM PUK required",
  13: "SIM failure",
  14: "SIM busy",
  15: "SIM wrong",
  16: "incorrect password",
  30: "no network service",
  100: "unknown",
};

const byText = new Map(Object.entries(CME_ERRORS).map(([code, text]) => [text.toLowerCase(), Number(code)]));

/** `10` → {code: 10}; `SIM not inserted` → {code: 10}; unknown text keeps only the text. */
export function decodeCmeError(text: string): { code?: number; text: string } {
  const trimmed = text.trim();
  if (/^\d{1,5}$/.test(trimmed)) {
    const code = Number(trimmed);
    return { code, text: CME_ERRORS[code] ?? `error ${code}` };
  }
  const code = byText.get(trimmed.toLowerCase());
  return code === undefined ? { text: trimmed } : { code, text: trimmed };
}

/**
 * Quectel TCP/IP error codes (`+QIOPEN: id,<err>`, `AT+QIGETERROR`), as listed by RT-Thread's
 * at_socket_ec20.c `at_tcp_ip_errcode_parse`.
 */
export const QUECTEL_TCPIP_ERRORS: Readonly<Record<number, string>> = {
  0: "operation successful",
  550: "unknown error",
  551: "operation blocked",
  552: "invalid parameters",
  553: "memory not enough",
  554: "create socket failed",
  555: "operation not supported",
  556: "socket bind failed",
  557: "socket listen failed",
  558: "socket write failed",
  559: "socket read failed",
  560: "socket accept failed",
  561: "open PDP context failed",
  562: "close PDP context failed",
  563: "socket identity has been used",
  564: "DNS busy",
  565: "DNS parse failed",
  566: "socket connect failed",
  567: "socket has been closed",
  568: "operation busy",
  569: "operation timeout",
  570: "PDP context broken down",
  571: "cancel send",
  572: "operation not allowed",
  573: "APN not configured",
  574: "port busy",
};

export function tcpIpErrorText(code: number): string {
  return QUECTEL_TCPIP_ERRORS[code] ?? `TCP/IP error ${code}`;
}
