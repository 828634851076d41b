import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DeviceError } from "../core/device-error.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

/**
 * The printer's persistent job queue: a directory, one file per job, each written atomically (temp file,
 * fsync, rename, fsync dir) before a byte goes to the printer, and removed only once the printer has
 * confirmed the job. A power cut at any moment leaves each job either absent (never accepted) or whole.
 * `attempts` is rewritten (atomically) before every send, so after a crash mid-print the job is known to
 * be possibly half printed and comes back with a reprint mark.
 */
export interface SpooledJob {
  id: string;
  /** FIFO order. */
  seq: number;
  /** A caller's name for the slip ("sale 000456 merchant copy"); never card data. */
  label?: string;
  createdAt: string;
  /** Times the job's bytes have started going to the printer. */
  attempts: number;
  bytes: Buffer;
}

interface JobFile {
  version: 1;
  id: string;
  seq: number;
  label?: string;
  createdAt: string;
  attempts: number;
  bytes: string;
}

const JOB_FILE = /^(\d{12})\.job$/;

export class PrintSpool {
  private nextSeq: number;

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.nextSeq = this.names().reduce((max, name) => Math.max(max, Number(JOB_FILE.exec(name)![1])), 0) + 1;
  }

  /** Accepts a job: durable when this returns. */
  add(bytes: Buffer, label?: string): SpooledJob {
    const seq = this.nextSeq++;
    const job: SpooledJob = {
      id: String(seq).padStart(12, "0"),
      seq,
      createdAt: this.now().toISOString(),
      attempts: 0,
      bytes: Buffer.from(bytes),
      ...(label === undefined ? {} : { label }),
    };
    this.write(job);
    return job;
  }

  /** Jobs waiting, oldest first. A file that does not parse is set aside as `.corrupt`, never deleted. */
  list(): SpooledJob[] {
    const jobs: SpooledJob[] = [];
    for (const name of this.names()) {
      const job = this.read(name);
      if (job) jobs.push(job);
    }
    return jobs;
  }

  first(): SpooledJob | undefined {
    for (const name of this.names()) {
      const job = this.read(name);
      if (job) return job;
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.names().includes(`${id}.job`);
  }

  /** Records that the job is about to go (again) to the printer; returns the updated job. */
  markAttempt(job: SpooledJob): SpooledJob {
    const next = { ...job, attempts: job.attempts + 1 };
    this.write(next);
    return next;
  }

  /** The printer confirmed the job. */
  remove(id: string): void {
    rmSync(join(this.dir, `${id}.job`), { force: true });
  }

  private names(): string[] {
    return readdirSync(this.dir)
      .filter((name) => JOB_FILE.test(name))
      .sort();
  }

  private write(job: SpooledJob): void {
    const file: JobFile = {
      version: 1,
      id: job.id,
      seq: job.seq,
      createdAt: job.createdAt,
      attempts: job.attempts,
      bytes: job.bytes.toString("base64"),
      ...(job.label === undefined ? {} : { label: job.label }),
    };
    writeFileAtomic(join(this.dir, `${job.id}.job`), Buffer.from(JSON.stringify(file)));
  }

  private read(name: string): SpooledJob | undefined {
    const path = join(this.dir, name);
    try {
      const file = JSON.parse(readFileSync(path, "utf8")) as JobFile;
      if (file.version !== 1 || typeof file.bytes !== "string" || typeof file.attempts !== "number") {
        throw new DeviceError("printer", `spool file ${name} has an unknown format`);
      }
      return {
        id: file.id,
        seq: file.seq,
        createdAt: file.createdAt,
        attempts: file.attempts,
        bytes: Buffer.from(file.bytes, "base64"),
        ...(file.label === undefined ? {} : { label: file.label }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      renameSync(path, `${path}.corrupt`);
      return undefined;
    }
  }
}
