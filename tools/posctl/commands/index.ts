import type { Command } from "commander";

/** Every posctl subcommand group, each in its own file. */
export function registerCommands(program: Command): void {
  void program;
}
