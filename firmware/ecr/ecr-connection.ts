/** One sale system's link to the terminal, whatever carries it: a serial port, a TCP socket, a WebSocket. */
export interface EcrConnection {
  readonly id: string;
  readonly transport: "serial" | "tcp" | "ws";
  readonly isOpen: boolean;
  /** Sends one message's JSON text; rejects when the link cannot deliver it. */
  send(json: string): Promise<void>;
}

/** What a transport hands to the server. */
export interface EcrConnectionSink {
  /** A received payload: bytes of one frame (serial, TCP) or one text message (WebSocket). */
  receive(connection: EcrConnection, payload: Buffer | string): void;
  closed(connection: EcrConnection): void;
}
