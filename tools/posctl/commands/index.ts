import type { Command } from "commander";
import { registerAdmin } from "./admin.js";
import { registerBoard } from "./board.js";
import { registerCrypto } from "./crypto.js";
import { registerDemo } from "./demo.js";
import { registerDiag } from "./diag.js";
import { registerEcr } from "./ecr.js";
import { registerEmv } from "./emv.js";
import { registerFlash } from "./flash.js";
import { registerHost } from "./host.js";
import { registerImage } from "./image.js";
import { registerIso8583 } from "./iso8583.js";
import { registerJournal } from "./journal.js";
import { registerKeys } from "./keys.js";
import { registerProvision } from "./provision.js";
import { registerRig } from "./rig.js";
import { registerTerminal } from "./terminal.js";
import { registerTlv } from "./tlv.js";

/** Every posctl subcommand group, each in its own file. */
export function registerCommands(program: Command): void {
  registerIso8583(program);
  registerTlv(program);
  registerCrypto(program);
  registerEmv(program);
  registerHost(program);
  registerRig(program);
  registerDemo(program);
  registerTerminal(program);
  registerEcr(program);
  registerAdmin(program);
  registerJournal(program);
  registerImage(program);
  registerFlash(program);
  registerKeys(program);
  registerProvision(program);
  registerDiag(program);
  registerBoard(program);
}
