/** One benchmark figure, as every bench/*.ts returns it and bench/run.ts prints it. */
export interface BenchResult {
  name: string;
  opsPerSec: number;
  /** Heap + ArrayBuffer bytes allocated per operation, when measured. */
  bytesPerOp?: number;
  /** What the figure means or how it differs from its neighbour. */
  note?: string;
}
