import {
  compareVersions,
  ImageError,
  type ImageManifest,
  unpackArchive,
} from "../../protocol/image/index.js";
import { otherSlot, readBootState, type SlotName, writeBootState } from "./boot-state.js";
import { withInstallLock } from "./install-lock.js";
import { removeLeftovers, type UnpackProgress, writeSlot } from "./slot-writer.js";
import type { TrustedKey } from "./trusted-keys.js";
import { UpdateError } from "./update-error.js";
import { verifyImage } from "./verify-image.js";

export const DEFAULT_TRIAL_BOOTS = 3;

export interface InstallOptions {
  trustedKeys: readonly TrustedKey[];
  /** Version of the firmware running now; an older image is refused (anti-rollback). */
  runningVersion: string;
  /** The update directory: slots/a, slots/b and boot.json live here. */
  dir: string;
  /** Accept an image of the same version as the running one (re-flash after corruption). */
  allowReinstall?: boolean;
  /** Target the image must be built for; defaults to this board's `${platform}-${arch}`. */
  arch?: string;
  /** Boots the new slot gets to reach idle before the terminal rolls back by itself. */
  trialBoots?: number;
  onProgress?: UnpackProgress;
}

export interface InstallResult {
  slot: SlotName;
  manifest: ImageManifest;
  trialBootsLeft: number;
}

/**
 * Checks an image (signature by a trusted key, target, anti-rollback), writes it into the inactive slot
 * and puts that slot on trial. Every refusal is an UpdateError before anything is written; a failure
 * or power cut during the write leaves boot.json and the running slot as they were. While another
 * process is installing it refuses with "install-in-progress" (see install-lock.ts).
 */
export function installUpdate(image: Uint8Array, options: InstallOptions): InstallResult {
  const parsed = verifyImage(image, options.trustedKeys);
  const { manifest } = parsed;
  const arch = options.arch ?? `${process.platform}-${process.arch}`;
  if (manifest.arch !== arch) {
    throw new UpdateError("wrong-arch", `image is built for ${manifest.arch}, this terminal is ${arch}`);
  }
  const order = compareVersions(manifest.version, options.runningVersion);
  if (order < 0) {
    throw new UpdateError(
      "rollback",
      `image ${manifest.version} is older than running ${options.runningVersion}`,
    );
  }
  if (order === 0 && options.allowReinstall !== true) {
    throw new UpdateError(
      "reinstall",
      `image ${manifest.version} is the running version (allowReinstall not set)`,
    );
  }
  let entries: ReturnType<typeof unpackArchive>;
  try {
    entries = unpackArchive(parsed.payload);
  } catch (error) {
    if (error instanceof ImageError) throw new UpdateError("malformed", error.message, { cause: error });
    throw error;
  }

  // Under the install lock from reading boot.json to writing it: a serial flash and an SSH install at
  // the same moment would otherwise both pick the same slot and both write boot.json.
  return withInstallLock(options.dir, () => stageEntries(manifest, entries, options));
}

function stageEntries(
  manifest: ImageManifest,
  entries: ReturnType<typeof unpackArchive>,
  options: InstallOptions,
): InstallResult {
  const state = readBootState(options.dir);
  if (state.trial !== null) {
    // The trial slot may be the one running now: it must prove itself (or roll back) before it is replaced.
    throw new UpdateError(
      "trial-pending",
      `slot ${state.trial} is still on trial; reach idle or reboot first`,
    );
  }
  const target: SlotName = state.active === null ? "a" : otherSlot(state.active);
  removeLeftovers(options.dir);
  writeSlot(options.dir, target, entries, options.onProgress);

  const trialBootsLeft = options.trialBoots ?? DEFAULT_TRIAL_BOOTS;
  writeBootState(options.dir, {
    ...state,
    trial: target,
    trialBootsLeft,
    versions: { ...state.versions, [target]: manifest.version },
  });
  return { slot: target, manifest, trialBootsLeft };
}
