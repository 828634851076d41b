import { createHash } from "node:crypto";
import { isIP, connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  checkServerIdentity as defaultCheckServerIdentity,
  type PeerCertificate,
  connect as tlsConnect,
} from "node:tls";
import type { CellularModem, PdpOptions } from "../../drivers/modem/cellular-modem.js";
import { AcquirerPinningError } from "./acquirer-errors.js";

/**
 * Opens a byte stream to the acquirer host. The link passes a signal that fires on connect timeout,
 * cancellation or close; a connector that ignores it still works (the link destroys a late stream).
 */
export type Connector = (signal?: AbortSignal) => Promise<Duplex>;

export interface TcpEndpoint {
  host: string;
  port: number;
}

export interface TlsEndpoint extends TcpEndpoint {
  /** Trusted CA certificates (PEM); the system store when absent. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate and key for mutual TLS (PEM). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** SNI and the name the certificate must carry; defaults to `host` unless it is an IP address. */
  servername?: string;
  /** base64 SHA-256 of accepted SubjectPublicKeyInfos (HPKP-style pins); any key when absent. */
  pinSha256?: readonly string[];
}

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo (`PeerCertificate.pubkey` is the SPKI DER). */
export function spkiSha256(cert: PeerCertificate): string | undefined {
  return cert.pubkey ? createHash("sha256").update(cert.pubkey).digest("base64") : undefined;
}

/** Resolves with `socket` once `ready` fires; rejects on error or abort (destroying it). */
function opened<T extends Socket>(socket: T, ready: string, signal: AbortSignal | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off(ready, onReady);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => onError(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    socket.once(ready, onReady);
    socket.once("error", onError);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Plain TCP. Nagle off: a request is one write and should leave at once. */
export function tcpConnector(endpoint: TcpEndpoint): Connector {
  return (signal) => {
    const socket = netConnect({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    return opened(socket, "connect", signal);
  };
}

/**
 * TLS to the acquirer. The chain and host name are checked as usual; with `pinSha256`, the leaf
 * key must also be one of the pins, else the handshake fails with AcquirerPinningError.
 */
export function tlsConnector(endpoint: TlsEndpoint): Connector {
  const pins = endpoint.pinSha256 ? new Set(endpoint.pinSha256) : undefined;
  const servername = endpoint.servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
  return (signal) => {
    const socket = tlsConnect({
      host: endpoint.host,
      port: endpoint.port,
      ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
      ...(endpoint.cert === undefined ? {} : { cert: endpoint.cert }),
      ...(endpoint.key === undefined ? {} : { key: endpoint.key }),
      ...(servername === undefined ? {} : { servername }),
      checkServerIdentity: (hostname, cert) => {
        const identity = defaultCheckServerIdentity(hostname, cert);
        if (identity || !pins) return identity;
        const hash = spkiSha256(cert);
        return hash !== undefined && pins.has(hash) ? undefined : new AcquirerPinningError(hash ?? "(none)");
      },
    });
    socket.setNoDelay(true);
    return opened(socket, "secureConnect", signal);
  };
}

/** China Mobile's public APN: the context used until the settings name the acquirer's own APN. */
export const DEFAULT_MODEM_PDP: PdpOptions = { apn: "CMNET" };

/**
 * A socket on the modem's own TCP/IP stack (AT+QIOPEN); ModemSocket is already a Duplex. Each connect
 * checks the SIM first (a pulled SIM fails as SimMissingError, not as a vague registration error) and
 * makes sure the PDP context is up (activatePdp is a no-op when QIACT? already shows it active).
 */
export function modemConnector(
  modem: CellularModem,
  host: string,
  port: number,
  pdp: PdpOptions = DEFAULT_MODEM_PDP,
): Connector {
  return async (signal) => {
    const call = signal ? { signal } : {};
    await modem.checkSim(call);
    await modem.activatePdp(pdp, call);
    return modem.openSocket(host, port, call);
  };
}
