import { Command, CommanderError } from "commander";
import { EXIT_BAD_INPUT } from "./cli-error.js";
import { registerCommands } from "./commands/index.js";

/** posctl: the engineers' and rigs' command line. Subcommands live one file each under commands/. */
export function buildProgram(): Command {
  const program = new Command("posctl")
    .description("POS terminal firmware tools: codecs, crypto, host simulator, rig")
    .showHelpAfterError(false)
    .configureOutput({
      // Commander's own usage errors follow the same rule as ours: one line, exit 2.
      outputError: (text, write) =>
        write(
          `posctl: ${text
            .replace(/^error: /, "")
            .trim()
            .replace(/\s*\n\s*/g, " ")}\n`,
        ),
    })
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Parses and runs one command line (argv as process.argv has it); sets process.exitCode. */
export async function runPosctl(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version also arrive here, with exit code 0.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    throw error;
  }
}
