import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signImage } from "../../../tools/image/index.js";

export const ARCH = `${process.platform}-${process.arch}`;

/**
 * Firmware for a fake slot: a plain ESM script that logs its boot to `<dataDir>/boots.log`, prints
 * "idle <version>", and (when `healthy`) marks its trial slot healthy the way the terminal does on idle.
 */
export function firmwareScript(version: string, healthy: boolean): string {
  return `import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const dataDir = process.argv[2];
appendFileSync(dataDir + "/boots.log", "${version} trial=" + process.env.POS_BOOT_TRIAL + "\\n");
if (${healthy}) {
  const file = dataDir + "/update/boot.json";
  try {
    const state = JSON.parse(readFileSync(file, "utf8"));
    if (state.trial) {
      state.active = state.trial;
      state.trial = null;
      state.trialBootsLeft = 0;
      writeFileSync(file, JSON.stringify(state));
    }
  } catch {}
}
console.log("${healthy ? "idle" : "hung"} ${version}");
const timer = setInterval(() => {}, 1000);
process.on("SIGTERM", () => { clearInterval(timer); process.exit(0); });
`;
}

export function ecKey(): { privateKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** A signed image holding `main.mjs` (the fake firmware) and a package.json. */
export function firmwareImage(key: KeyObject, version: string, healthy: boolean): Buffer {
  return signImage(
    { name: "pos-firmware", version, arch: ARCH, createdAt: "2026-11-23T12:00:00Z" },
    [
      { path: "main.mjs", mode: 0o644, data: Buffer.from(firmwareScript(version, healthy)) },
      { path: "package.json", mode: 0o644, data: Buffer.from('{"name":"pos-firmware"}') },
    ],
    key,
  );
}

/** Flips the last byte of the signature: the image parses, the signature does not verify. */
export function withBadSignature(image: Buffer): Buffer {
  const bad = Buffer.from(image);
  bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
  return bad;
}

export interface BoardFixture {
  root: string;
  dataDir: string;
  configPath: string;
  signingKey: KeyObject;
}

/** A board directory: factory release 1.0.0, a trusted signing key, board.json; a flash port named in it. */
export function makeBoard(prefix: string, flashPortName?: string): BoardFixture {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(root, "data");
  const factory = join(root, "factory");
  mkdirSync(dataDir);
  mkdirSync(factory);
  writeFileSync(join(factory, "main.mjs"), firmwareScript("1.0.0", true));
  const { privateKey, publicPem } = ecKey();
  writeFileSync(join(root, "firmware.pub.pem"), publicPem);
  const configPath = join(root, "board.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      dataDir: "data",
      factory: { path: "factory", version: "1.0.0" },
      entry: "main.mjs",
      args: [dataDir],
      trustedKeys: ["firmware.pub.pem"],
      ...(flashPortName ? { flash: { port: join(root, flashPortName), baud: 115200 } } : {}),
    }),
  );
  return { root, dataDir, configPath, signingKey: privateKey };
}
