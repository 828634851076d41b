import type { Command } from "commander";
import { registerTlv } from "./tlv.js";

/** Every posctl subcommand group, each in its own file. */
export function registerCommands(program: Command): void {
  registerTlv(program);
}
