import { readFileSync, rmSync } from "node:fs";
import { type InstallResult, installUpdate, readBootState } from "../../firmware/update/index.js";
import { type BoardConfig, loadTrustedKeys, updateDirOf } from "./board-config.js";

/**
 * The version anti-rollback compares against: the active slot's, or the factory release's while no
 * slot has proved healthy yet. (A slot still on trial makes installUpdate refuse with trial-pending.)
 */
export function runningVersionOf(config: BoardConfig): string {
  const state = readBootState(updateDirOf(config));
  return (state.active !== null ? state.versions[state.active] : null) ?? config.factory.version;
}

/**
 * Verifies an image file (trusted key, target, anti-rollback) and writes it into the inactive slot on
 * trial: it boots on the next start, never under a running transaction. The file is removed either
 * way: a refused image is not kept, a staged one now lives in its slot. Throws UpdateError on refusal.
 */
export function stageImage(config: BoardConfig, imagePath: string): InstallResult {
  try {
    const image = readFileSync(imagePath);
    return installUpdate(image, {
      trustedKeys: loadTrustedKeys(config),
      runningVersion: runningVersionOf(config),
      dir: updateDirOf(config),
      trialBoots: config.trialBoots,
      ...(config.arch ? { arch: config.arch } : {}),
    });
  } finally {
    rmSync(imagePath, { force: true });
  }
}
