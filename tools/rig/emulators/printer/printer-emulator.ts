import { appendFileSync } from "node:fs";
import type { ByteLink } from "../../../../drivers/link/byte-link.js";
import {
  type Align,
  barcodeLabel,
  COLUMNS_58MM,
  cutLine,
  type EscPosCommand,
  EscPosStreamParser,
  encodeAsb,
  encodeRealtimeStatus,
  imageLabel,
  layoutLabel,
  layoutLines,
  notReadyReason,
  type PrinterStatus,
  qrLabel,
} from "../../../../protocol/escpos/index.js";
import type { PrinterFaultPlan } from "./printer-faults.js";

export interface PrinterEmulatorOptions {
  /** Columns per line at normal width (32 = 58 mm paper). */
  columns?: number;
  faults?: PrinterFaultPlan;
  /** Each printed line is also appended to this file (a slip you can `tail -f`). */
  outputFile?: string;
  /** Timer for slow drain (real setTimeout by default). */
  schedule?: (fn: () => void, ms: number) => void;
}

export interface PrinterEmulatorStats {
  bytesReceived: number;
  statusRequests: number;
  statusReplies: number;
  asbBlocks: number;
  linesPrinted: number;
  cuts: number;
  /** Print commands thrown away while the printer could not print (paper out, cover open, offline…). */
  dropped: number;
}

/**
 * An ESC/POS thermal printer on the device end of a link. It parses the byte stream with the same
 * protocol/escpos codec the driver encodes with, renders the slip as text lines (Chinese decoded back
 * from GB18030, `[QR: …]`, dashed cut lines), answers DLE EOT 1..4 and sends ASB blocks on every status
 * change once GS a enabled them. While it cannot print (paper out, cover open, offline, cutter jam) it
 * drops print commands — the data a real printer loses or holds is not to be trusted either way, so the
 * driver must reprint — but still answers status.
 */
export class PrinterEmulator {
  readonly lines: string[] = [];
  readonly stats: PrinterEmulatorStats = {
    bytesReceived: 0,
    statusRequests: 0,
    statusReplies: 0,
    asbBlocks: 0,
    linesPrinted: 0,
    cuts: 0,
    dropped: 0,
  };
  faults: PrinterFaultPlan;
  private readonly parser = new EscPosStreamParser();
  private readonly columns: number;
  private readonly schedule: (fn: () => void, ms: number) => void;
  private readonly unsubscribe: () => void;
  private backlog: Promise<void> = Promise.resolve();

  private paperOut = false;
  private paperOutFired = false;
  private coverOpenFired = false;
  private nearEnd: boolean;
  private coverOpen: boolean;
  private cutterError = false;
  private offline: boolean;
  private asb = false;

  private alignment: Align = "left";
  private widthMultiplier = 1;
  private pending = "";
  private qrData: Buffer = Buffer.alloc(0);

  constructor(
    private readonly link: ByteLink,
    private readonly options: PrinterEmulatorOptions = {},
  ) {
    this.faults = { ...(options.faults ?? {}) };
    this.columns = options.columns ?? COLUMNS_58MM;
    this.schedule = options.schedule ?? ((fn, ms) => void setTimeout(fn, ms));
    this.nearEnd = this.faults.paperNearEnd ?? false;
    this.coverOpen = this.faults.coverOpen ?? false;
    this.offline = this.faults.offline ?? false;
    this.unsubscribe = link.onData((chunk) => this.receive(chunk));
  }

  /** The rendered slip so far, one line per printed line. */
  text(): string {
    return this.lines.join("\n");
  }

  status(): PrinterStatus {
    const paper = this.paperOut ? "out" : this.nearEnd ? "near-end" : "ok";
    return {
      online: !this.offline && !this.coverOpen && paper !== "out" && !this.cutterError,
      coverOpen: this.coverOpen,
      paper,
      cutterError: this.cutterError,
      unrecoverableError: false,
      autoRecoverableError: false,
      feedButton: false,
    };
  }

  // ---- the operator's hands --------------------------------------------------------------------

  loadPaper(): void {
    this.change(() => {
      this.paperOut = false;
      this.nearEnd = false;
    });
  }
  runOutOfPaper(): void {
    this.change(() => {
      this.paperOut = true;
    });
  }
  setPaperNearEnd(nearEnd: boolean): void {
    this.change(() => {
      this.nearEnd = nearEnd;
    });
  }
  openCover(): void {
    this.change(() => {
      this.coverOpen = true;
    });
  }
  closeCover(): void {
    this.change(() => {
      this.coverOpen = false;
    });
  }
  clearCutterError(): void {
    this.change(() => {
      this.cutterError = false;
    });
  }
  setOnline(online: boolean): void {
    this.change(() => {
      this.offline = !online;
    });
  }

  /** Stops listening (the link stays as it is). */
  detach(): void {
    this.unsubscribe();
  }

  // ---- the wire ------------------------------------------------------------------------------------

  private receive(chunk: Buffer): void {
    this.stats.bytesReceived += chunk.length;
    const delay = this.faults.drainDelayMs ?? 0;
    if (delay <= 0) {
      this.process(chunk);
      return;
    }
    // Slow drain: chunks are handled in arrival order, each `delay` after the one before.
    this.backlog = this.backlog.then(
      () => new Promise<void>((resolve) => this.schedule(() => resolve(this.process(chunk)), delay)),
    );
  }

  private process(chunk: Buffer): void {
    for (const command of this.parser.push(chunk)) this.execute(command);
  }

  private send(bytes: Buffer): void {
    if (this.link.isOpen) this.link.write(bytes).catch(() => undefined);
  }

  private change(mutate: () => void): void {
    const before = encodeAsb(this.status());
    mutate();
    const after = encodeAsb(this.status());
    if (this.asb && !before.equals(after)) {
      this.stats.asbBlocks++;
      this.send(after);
    }
  }

  private canPrint(): boolean {
    return notReadyReason(this.status()) === undefined;
  }

  private execute(command: EscPosCommand): void {
    switch (command.kind) {
      case "statusRequest":
        this.stats.statusRequests++;
        this.answerStatus(command.n);
        return;
      case "autoStatusBack":
        this.asb = command.mask !== 0;
        if (this.asb) {
          this.stats.asbBlocks++;
          this.send(encodeAsb(this.status()));
        }
        return;
      case "init":
        this.alignment = "left";
        this.widthMultiplier = 1;
        this.pending = "";
        this.qrData = Buffer.alloc(0);
        return;
      case "align":
        this.alignment = command.align;
        return;
      case "size":
        this.widthMultiplier = command.width;
        return;
      case "qrStore":
        this.qrData = command.data;
        return;
      case "text":
        if (this.canPrint()) this.pending += command.text;
        else this.stats.dropped++;
        return;
      case "lf":
        this.printLine(this.pending);
        this.pending = "";
        return;
      case "feed":
        if (command.lines === 0) {
          if (this.pending) this.printLine(this.pending);
        } else {
          this.printLine(this.pending);
          for (let i = 1; i < command.lines; i++) this.printLine("");
        }
        this.pending = "";
        return;
      case "qrPrint":
        this.flushPending();
        this.printGraphic(qrLabel(this.qrData.toString("utf8")));
        return;
      case "barcode":
        this.flushPending();
        this.printGraphic(barcodeLabel(String(command.type), command.text));
        return;
      case "raster":
        this.flushPending();
        this.printGraphic(imageLabel(command.width, command.height));
        return;
      case "cut":
        this.flushPending();
        this.cut();
        return;
      default:
        return;
    }
  }

  private answerStatus(n: number): void {
    if (this.faults.noStatusReply) return;
    const replies = encodeRealtimeStatus(this.status());
    const byte = [replies.printer, replies.offlineCause, replies.errorCause, replies.paperSensor][n - 1];
    if (byte === undefined) return;
    this.stats.statusReplies++;
    this.send(Buffer.from([byte]));
  }

  private flushPending(): void {
    if (this.pending) this.printLine(this.pending);
    this.pending = "";
  }

  private printGraphic(label: string): void {
    this.emitLines([layoutLabel(label, this.alignment, this.columns)]);
  }

  private printLine(text: string): void {
    this.emitLines(layoutLines(text, this.alignment, this.widthMultiplier, this.columns));
  }

  private emitLines(lines: string[]): void {
    for (const line of lines) {
      if (!this.canPrint()) {
        this.stats.dropped++;
        continue;
      }
      this.output(line);
      this.stats.linesPrinted++;
      const limit = this.faults.paperOutAfterLines;
      if (limit !== undefined && !this.paperOutFired && this.stats.linesPrinted >= limit) {
        this.paperOutFired = true;
        this.runOutOfPaper();
      }
      const coverAt = this.faults.coverOpenAfterLines;
      if (coverAt !== undefined && !this.coverOpenFired && this.stats.linesPrinted >= coverAt) {
        this.coverOpenFired = true;
        this.openCover();
      }
    }
  }

  private cut(): void {
    if (!this.canPrint()) {
      this.stats.dropped++;
      return;
    }
    this.stats.cuts++;
    if (this.faults.cutterErrorAtCut === this.stats.cuts) {
      this.change(() => {
        this.cutterError = true;
      });
      return;
    }
    this.output(cutLine(this.columns));
  }

  private output(line: string): void {
    this.lines.push(line);
    if (this.options.outputFile) appendFileSync(this.options.outputFile, `${line}\n`);
  }
}
