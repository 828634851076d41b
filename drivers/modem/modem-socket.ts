import { Duplex } from "node:stream";
import { MAX_SEND } from "../../protocol/at/quectel-commands.js";

/** What a socket needs from the modem: each call is one AT exchange on the engine's queue. */
export interface SocketOps {
  /** AT+QISEND with prompt and payload; rejects on SEND FAIL. */
  send(connectId: number, data: Buffer): Promise<void>;
  /** AT+QIRD; resolves with the bytes read (empty when the module's buffer is drained). */
  read(connectId: number): Promise<Buffer>;
  /** AT+QICLOSE (best effort) and frees the id. `onModule` false when the module already forgot it. */
  close(connectId: number, onModule: boolean): Promise<void>;
}

/**
 * A TCP connection carried by the module's own stack, as a Node Duplex: writes become AT+QISEND
 * (chunked at the module's maximum), `+QIURC: "recv"` triggers AT+QIRD reads (buffer mode) or
 * delivers pushed bytes (direct-push mode). `closed` and `pdpdeact` end the stream with an error,
 * after any bytes still buffered in the module have been read out.
 */
export class ModemSocket extends Duplex {
  private wantRead = false;
  private pending = false;
  private reading = false;
  private endError: Error | undefined;
  private onModule = true;
  /** Counts recv URCs, so one arriving while an empty read was in flight is not lost. */
  private notices = 0;

  constructor(
    readonly connectId: number,
    private readonly ops: SocketOps,
  ) {
    super({ allowHalfOpen: false });
  }

  /** `+QIURC: "recv",<id>`: data waits in the module's buffer. */
  dataAvailable(): void {
    this.notices++;
    this.pending = true;
    this.pump();
  }

  /** `+QIURC: "recv",<id>,<len>` followed by the bytes (direct push). */
  deliver(data: Buffer): void {
    if (!this.destroyed) this.push(data);
  }

  /** `closed` / `pdpdeact`: end with this error once buffered data is read (now, if none). */
  terminate(error: Error, options: { readBuffered: boolean; onModule: boolean }): void {
    if (this.destroyed || this.endError) return;
    this.endError = error;
    this.onModule = options.onModule;
    if (!options.readBuffered || !this.pending) this.destroy(error);
    else this.pump();
  }

  override _read(): void {
    this.wantRead = true;
    this.pump();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    void this.sendAll(chunk).then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const onModule = this.onModule;
    this.onModule = false;
    void this.ops.close(this.connectId, onModule).then(
      () => {
        this.push(null);
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const onModule = this.onModule;
    this.onModule = false;
    void this.ops.close(this.connectId, onModule).then(
      () => callback(error),
      () => callback(error),
    );
  }

  private async sendAll(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; at += MAX_SEND) {
      if (this.endError) throw this.endError;
      await this.ops.send(this.connectId, chunk.subarray(at, at + MAX_SEND));
    }
  }

  private pump(): void {
    if (this.reading || !this.pending || !this.wantRead || this.destroyed) return;
    this.reading = true;
    void (async () => {
      try {
        while (this.pending && this.wantRead && !this.destroyed) {
          const seen = this.notices;
          const data = await this.ops.read(this.connectId);
          if (data.length === 0) {
            if (this.notices === seen) this.pending = false;
            if (!this.pending) break;
            continue;
          }
          this.wantRead = this.push(data);
        }
      } catch (error) {
        this.pending = false;
        if (!this.endError) this.destroy(error as Error);
      } finally {
        this.reading = false;
      }
      if (this.endError && !this.pending && !this.destroyed) this.destroy(this.endError);
      else if (this.pending && this.wantRead) this.pump();
    })();
  }
}
