import type { Command } from "commander";
import { pino } from "pino";
import { UpdateError } from "../../../firmware/update/index.js";
import { loadBoardConfig, runBoard, stageImage } from "../../board/index.js";
import { REMOTE_EXIT_REFUSED } from "../../board/ssh-flash.js";
import { action } from "../cli-error.js";
import { untilSignal } from "../until-signal.js";

/** `posctl board run|install`: the launcher systemd starts on a board, and the install step of an update. */
export function registerBoard(program: Command, signals: NodeJS.EventEmitter = process): void {
  const board = program.command("board").description("on a board: boot the firmware slot, take updates");

  board
    .command("run")
    .description(
      "choose the A/B slot (trial counted, rollback), run its firmware, take images over the flash port",
    )
    .requiredOption("--config <file>", "board config (e.g. /etc/pos/board.json)")
    .action(
      action(async (options: { config: string }) => {
        const config = loadBoardConfig(options.config);
        const logger = pino({ base: { unit: "board" } }, pino.destination(2));
        const result = await runBoard({
          config,
          log: (level, message, fields) => logger[level](fields ?? {}, message),
          until: untilSignal(signals),
        });
        // systemd's Restart=on-failure then starts us again: a crashed trial uses up its boot.
        if (result.exitCode !== 0 && result.exitCode !== null) process.exitCode = result.exitCode;
      }),
    );

  board
    .command("install")
    .description("verify an image file and stage it in the inactive slot on trial (boots at next start)")
    .requiredOption("--config <file>", "board config (e.g. /etc/pos/board.json)")
    .argument("<image>", "image file; removed afterwards, staged or not")
    .action(
      action((imagePath: string, options: { config: string }) => {
        const config = loadBoardConfig(options.config);
        try {
          const result = stageImage(config, imagePath);
          const m = result.manifest;
          process.stdout.write(
            `verdict: ok: ${m.name} ${m.version} staged in slot ${result.slot} on trial (${result.trialBootsLeft} trial boot${result.trialBootsLeft === 1 ? "" : "s"}); it boots at the next start\n`,
          );
        } catch (error) {
          if (!(error instanceof UpdateError)) throw error;
          process.stdout.write(`verdict: refused: ${error.message}\n`);
          process.exitCode = REMOTE_EXIT_REFUSED;
        }
      }),
    );
}
