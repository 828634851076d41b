/** Resolves at the first SIGINT or SIGTERM on `signals` (the process, or an emitter in tests), then stops listening. */
export function untilSignal(signals: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      signals.off("SIGINT", stop);
      signals.off("SIGTERM", stop);
      resolve();
    };
    signals.on("SIGINT", stop);
    signals.on("SIGTERM", stop);
  });
}
