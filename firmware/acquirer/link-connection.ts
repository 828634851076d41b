import type { Duplex } from "node:stream";
import type { CompiledSpec } from "../../protocol/iso8583/message.js";
import type { MessageSpec } from "../../protocol/iso8583/spec.js";
import { AcquirerFrameError } from "./acquirer-errors.js";
import { AcquirerFrameReader, FrameStreamError, type ReceivedFrame } from "./frame-reader.js";

export interface ConnectionHandlers {
  /** Each parsed frame, in arrival order. */
  frame(frame: ReceivedFrame): void;
  /** The host sent bytes that are not frames; the connection is dropped right after. */
  garbage(error: AcquirerFrameError): void;
  /** The connection is gone (once): by the host (`byHost`), by an error, or by `drop()`. */
  dropped(byHost: boolean, error: Error | undefined): void;
}

/**
 * One byte stream to the host and its frame reader. Reports frames, then at most one drop; after a
 * drop no more frames are delivered even if the stream still emits data.
 */
export class LinkConnection {
  private readonly reader: AcquirerFrameReader;
  private gone = false;

  constructor(
    readonly stream: Duplex,
    spec: MessageSpec | CompiledSpec,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.reader = new AcquirerFrameReader(spec);
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    // Half-close from the host counts as a drop: it will not answer any more.
    stream.on("end", () => this.finish(true, undefined));
    stream.on("error", (error: Error) => this.finish(true, error));
    stream.on("close", () => this.finish(true, undefined));
  }

  get dropped(): boolean {
    return this.gone || this.stream.destroyed;
  }

  /** Writes a whole frame. A write failure drops the connection. */
  write(frame: Buffer): void {
    this.stream.write(frame, (error) => {
      if (error) this.finish(true, error);
    });
  }

  /** Closes from the terminal's side. */
  drop(error?: Error): void {
    this.finish(false, error);
  }

  private onData(chunk: Buffer): void {
    if (this.gone) return;
    let frames: ReceivedFrame[];
    let fault: AcquirerFrameError | undefined;
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      frames = error instanceof FrameStreamError ? error.frames : [];
      fault =
        error instanceof AcquirerFrameError
          ? error
          : new AcquirerFrameError(`frame reader failed: ${String(error)}`, { sent: false, cause: error });
    }
    for (const frame of frames) {
      if (this.gone) return;
      this.handlers.frame(frame);
    }
    if (fault && !this.gone) {
      this.handlers.garbage(fault);
      this.finish(false, fault);
    }
  }

  private finish(byHost: boolean, error: Error | undefined): void {
    if (this.gone) return;
    this.gone = true;
    this.stream.destroy();
    this.handlers.dropped(byHost, error);
  }
}
