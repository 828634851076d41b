import type { ByteLink } from "../../drivers/link/byte-link.js";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import { FlashReceiver, type ReceivedImage } from "../../firmware/flash/index.js";

export interface FlashListenerOptions {
  port: string;
  baudRate: number;
  /** Data directory: the receiver keeps its resumable state in `<dir>/incoming/`. */
  dir: string;
  /** Verified image (SHA-256 matched); throwing refuses it and the reason goes back to the sender. */
  onImage: (image: ReceivedImage) => void | Promise<void>;
  onEvent?: (event: "open" | "lost" | "open-failed", detail?: string) => void;
  /** Wait before reopening a port that is missing or went away (USB gadget re-enumerating, cable). */
  reopenMs?: number;
}

/**
 * Serves the flash protocol on the board's serial port for as long as the launcher runs. The port is
 * reopened whenever it goes away; the receiver's progress is on disk, so a sender resumes across that.
 */
export function listenForFlash(options: FlashListenerOptions): { stop: () => Promise<void> } {
  const receiver = new FlashReceiver({ dir: options.dir, onImage: options.onImage });
  let stopped = false;
  let link: ByteLink | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastFailure = "";

  const open = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    try {
      const opened = await openSerialLink({ path: options.port, baudRate: options.baudRate });
      if (stopped) {
        await opened.close();
        return;
      }
      link = opened;
      lastFailure = "";
      options.onEvent?.("open");
      receiver.attach(opened);
      opened.onClose(() => {
        link = undefined;
        if (stopped) return;
        options.onEvent?.("lost");
        retry();
      });
    } catch (error) {
      const message = (error as Error).message;
      if (message !== lastFailure) options.onEvent?.("open-failed", message); // once per distinct cause
      lastFailure = message;
      retry();
    }
  };
  const retry = () => {
    if (!stopped && !timer) timer = setTimeout(() => void open(), options.reopenMs ?? 1000);
  };
  void open();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await link?.close();
    },
  };
}
