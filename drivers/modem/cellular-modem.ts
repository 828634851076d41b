import type { PdpAuth } from "../../protocol/at/quectel-commands.js";
import type { Registration, SignalQuality } from "../../protocol/at/quectel-responses.js";
import type { ModemSocket } from "./modem-socket.js";

export type { Registration, RegistrationStatus, SignalQuality } from "../../protocol/at/quectel-responses.js";

/** Network registration as the terminal needs it: the best of CS (+CREG) and EPS (+CEREG). */
export interface NetworkRegistration extends Registration {
  /** Which query gave the answer. */
  domain: "eps" | "cs";
}

export interface PdpOptions {
  /** CMNET (China Mobile), UNINET (Unicom), CTNET (Telecom), or the acquirer's private APN. */
  apn: string;
  user?: string;
  password?: string;
  auth?: PdpAuth;
  /** Context id, 1 by default. */
  context?: number;
}

export interface PdpContext {
  context: number;
  ip: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Status side of the modem: all the terminal needs when the modem is its network interface
 * (ECM/QMI/PPP + Node net/tls) and the AT port serves only for SIM, registration and signal.
 */
export interface ModemStatus {
  /** Resolves when the SIM is READY; SimMissingError, SimLockedError (PIN/PUK) or SimError otherwise. */
  checkSim(options?: CallOptions): Promise<void>;
  registration(options?: CallOptions): Promise<NetworkRegistration>;
  signalQuality(options?: CallOptions): Promise<SignalQuality>;
  close(): Promise<void>;
}

/** A cellular modem whose own TCP/IP stack carries the acquirer link (AT+QIOPEN sockets). */
export interface CellularModem extends ModemStatus {
  /** QICSGP + QIACT (up to 150 s); NotRegisteredError, PdpActivationError (561…). */
  activatePdp(options: PdpOptions, call?: CallOptions): Promise<PdpContext>;
  /** QIOPEN then `+QIOPEN: id,err` (up to 75 s); the socket is a Node Duplex. SocketOpenError (566…). */
  openSocket(host: string, port: number, call?: CallOptions): Promise<ModemSocket>;
}
