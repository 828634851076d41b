import cliProgress from "cli-progress";
import type { FlashProgress } from "./flash-sender.js";

/** How `posctl flash` shows progress: a bar on a terminal, plain lines in a log or a pipe. */
export interface ProgressView {
  update(progress: FlashProgress): void;
  stop(): void;
}

function rate(bytes: number, ms: number): number {
  return ms > 0 ? Math.round((bytes * 1000) / ms) : 0;
}

/** cli-progress bar: bytes, rate and ETA, on stdout (a TTY). */
export function barView(stream: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "flashing [{bar}] {percentage}% | {value}/{total} B | {rate} B/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let base = 0;
  return {
    update(progress) {
      if (started === 0) {
        started = performance.now();
        base = progress.offset;
        bar.start(progress.total, progress.offset, { rate: 0 });
      }
      // The rate counts only bytes sent since this run started (a resume starts part way).
      bar.update(progress.offset, { rate: rate(progress.offset - base, performance.now() - started) });
    },
    stop() {
      if (started !== 0) bar.stop();
    },
  };
}

/** Progress lines for a non-TTY stdout: every event that matters and every 10 %. */
export function lineView(write: (line: string) => void): ProgressView {
  const started = performance.now();
  let base: number | undefined;
  let lastTenth = -1;
  return {
    update({ event, offset, total, detail }) {
      base ??= offset;
      const elapsed = performance.now() - started;
      const bytesPerSec = rate(offset - base, elapsed);
      const percent = Math.floor((offset * 100) / total);
      if (event === "block") {
        const tenth = Math.floor(percent / 10);
        if (tenth === lastTenth && offset !== total) return;
        lastTenth = tenth;
        const eta = bytesPerSec > 0 ? `${Math.ceil((total - offset) / bytesPerSec)} s` : "?";
        write(`flash: ${offset}/${total} bytes (${percent}%), ${bytesPerSec} B/s, ETA ${eta}`);
      } else if (event === "resume") {
        write(`flash: receiver needs offset ${offset} of ${total}${offset > 0 ? " (resuming)" : ""}`);
      } else {
        write(`flash: ${event}${detail ? `: ${detail}` : ""}`);
      }
    },
    stop() {},
  };
}
