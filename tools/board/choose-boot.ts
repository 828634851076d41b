import { existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type BootChoice, bootSelect, UpdateError } from "../../firmware/update/index.js";
import { type BoardConfig, updateDirOf } from "./board-config.js";

/** A slot chosen by the update module, or the factory release while no slot holds an image. */
export type BoardBoot =
  | (BootChoice & { source: "slot" })
  | {
      source: "factory";
      path: string;
      version: string;
      trial: false;
      rolledBack?: BootChoice["rolledBack"];
    };

/**
 * Picks what to run on this start. bootSelect counts a trial boot (persisted before the firmware runs)
 * and rolls back a trial slot that used up its boots without reaching idle. With no healthy slot at all
 * (fresh board, or the very first image rolled back) the factory release runs.
 */
export function chooseBoot(config: BoardConfig): BoardBoot {
  try {
    return { ...bootSelect(updateDirOf(config)), source: "slot" };
  } catch (error) {
    if (!(error instanceof UpdateError) || error.reason !== "no-bootable-slot") throw error;
    return { source: "factory", path: config.factory.path, version: config.factory.version, trial: false };
  }
}

/**
 * Slots hold compiled JS only; packages resolve by walking up to `<update>/slots/node_modules`,
 * linked to the installed release's node_modules (one link serves both slots).
 */
export function linkNodeModules(config: BoardConfig): void {
  if (!config.nodeModules) return;
  const slots = join(updateDirOf(config), "slots");
  mkdirSync(slots, { recursive: true });
  const link = join(slots, "node_modules");
  if (existsSync(link) || isDanglingLink(link)) return;
  symlinkSync(config.nodeModules, link, "dir");
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
