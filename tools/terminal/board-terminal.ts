import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pino } from "pino";
import { createActor } from "xstate";
import { bindSecurityEvents } from "../../firmware/app/tamper-response.js";
import { TerminalApp } from "../../firmware/app/terminal-app.js";
import { terminalServices } from "../../firmware/app/terminal-services.js";
import { loadTerminalSettings } from "../../firmware/config/index.js";
import { createTerminalMachine } from "../../firmware/terminal/index.js";
import { bindUi, ConsoleUi } from "../../firmware/ui/index.js";
import { markHealthy } from "../../firmware/update/index.js";
import { CapkStore } from "../../protocol/emv/index.js";
import { LOG_REDACT } from "./rig-terminal.js";

export interface BoardTerminalOptions {
  configPath: string;
  input: Readable;
  output: Writable;
  mode?: "tty" | "plain";
  until: Promise<void>;
}

/**
 * The terminal on a board: the config file names the real device paths (native serial binding), the
 * host and the storage directory; CA public keys come from `<storage>/capks.json` (a TMS download puts
 * them there). The screen and keypad are this console until a framebuffer backend is configured.
 */
export async function runBoardTerminal(options: BoardTerminalOptions): Promise<void> {
  const settings = loadTerminalSettings(options.configPath);
  const log = pino(
    { level: settings.log.level, redact: LOG_REDACT, base: { tid: settings.terminal.terminalId } },
    settings.log.file
      ? pino.destination({ dest: settings.log.file, sync: true, mode: 0o600 })
      : pino.destination(2),
  );
  const capkFile = join(settings.storage.dir, "capks.json");
  const capks = existsSync(capkFile) ? CapkStore.fromJson(readFileSync(capkFile, "utf8")) : new CapkStore([]);
  if (!existsSync(capkFile))
    log.warn({ capkFile }, "no CA public keys: offline data authentication will fail");
  const app = await TerminalApp.boot({ settings, capks, log });
  let stop: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const ui = new ConsoleUi(options.output, options.input, {
    ...(options.mode ? { mode: options.mode } : {}),
    onInterrupt: () => stop(),
  });
  await app.startEcr();
  const actor = createActor(createTerminalMachine(terminalServices(app)));
  const unbind = bindUi(actor, ui, ui);
  // Reaching idle is what makes a freshly updated slot healthy (A/B update: otherwise it rolls back).
  const updateDir = join(settings.storage.dir, "update");
  const healthy = actor.subscribe((snapshot) => {
    if (snapshot.value !== "idle") return;
    healthy.unsubscribe();
    if (existsSync(join(updateDir, "boot.json"))) {
      const slot = markHealthy(updateDir);
      log.info({ slot }, "firmware slot marked healthy");
    }
  });
  actor.start();
  const unbindSecurity = bindSecurityEvents(app.tamper, actor);
  try {
    await Promise.race([interrupted, options.until]);
  } finally {
    unbind();
    unbindSecurity();
    actor.stop();
    ui.close();
    await app.close();
  }
}
