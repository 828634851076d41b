import { sign } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bootSelect,
  installUpdate,
  keyIdOfKey,
  markHealthy,
  readBootState,
  UpdateError,
  type UpdateRefusal,
} from "../../../firmware/update/index.js";
import { packArchive, prepareImage, sealImage } from "../../../protocol/image/index.js";
import { signImage } from "../../../tools/image/index.js";
import {
  ARCH,
  ecKey,
  firmwareFiles,
  image,
  rsaKey,
  runningSnapshot,
  type SigningKey,
  snapshot,
  tempDir,
} from "./update-fixtures.js";

const vendor = ecKey();
const stranger = ecKey();

function refusal(fn: () => unknown): UpdateRefusal {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateError);
    return (error as UpdateError).reason;
  }
  throw new Error("expected an UpdateError");
}

/** A terminal running 1.0.0 from slot a, healthy. */
function terminalOn100(): string {
  const dir = tempDir();
  installUpdate(image("1.0.0", vendor), {
    trustedKeys: [vendor.trusted],
    runningVersion: "0.0.0",
    dir,
    arch: ARCH,
  });
  bootSelect(dir);
  markHealthy(dir);
  return dir;
}

const install = (bytes: Uint8Array, dir: string, extra: { allowReinstall?: boolean; arch?: string } = {}) =>
  installUpdate(bytes, { trustedKeys: [vendor.trusted], runningVersion: "1.0.0", dir, arch: ARCH, ...extra });

describe("installUpdate", () => {
  let dir: string;
  beforeEach(() => {
    dir = terminalOn100();
  });

  it("writes the inactive slot with the image's files and modes and puts it on trial", () => {
    const result = install(image("1.1.0", vendor), dir);
    expect(result).toMatchObject({
      slot: "b",
      trialBootsLeft: 3,
      manifest: { version: "1.1.0", arch: ARCH },
    });
    expect(readBootState(dir)).toEqual({
      active: "a",
      trial: "b",
      trialBootsLeft: 3,
      versions: { a: "1.0.0", b: "1.1.0" },
    });
    const files = snapshot(join(dir, "slots", "b"));
    expect(Object.keys(files).sort()).toEqual(
      firmwareFiles("1.1.0")
        .map((f) => f.path)
        .sort(),
    );
    expect(files["tools/posctl/main.js"]).toMatch(/^755:/);
    expect(files["protocol/hex.js"]).toMatch(/^600:/);
    expect(readFileSync(join(dir, "slots", "b", "tools/posctl/main.js"), "utf8")).toContain("1.1.0");
    expect(readdirSync(join(dir, "slots")).sort()).toEqual(["a", "b"]); // no staging leftovers
  });

  it("accepts RSA-PSS images from a trusted RSA key", () => {
    const rsa = rsaKey();
    const result = installUpdate(image("2.0.0", rsa), {
      trustedKeys: [vendor.trusted, rsa.trusted],
      runningVersion: "1.0.0",
      dir,
      arch: ARCH,
    });
    expect(result.manifest.signatureAlgorithm).toBe("rsa-pss-sha256");
  });

  describe("refusals leave the terminal exactly as it was", () => {
    let before: Record<string, string>;
    beforeEach(() => {
      before = snapshot(dir);
    });
    const refused = (reason: UpdateRefusal, fn: () => unknown) => {
      expect(refusal(fn)).toBe(reason);
      expect(snapshot(dir)).toEqual(before);
    };

    it("bad signature: a flipped signature byte", () => {
      const bytes = image("1.1.0", vendor);
      bytes[bytes.length - 5]! ^= 0x40;
      refused("bad-signature", () => install(bytes, dir));
    });

    it("bad signature: the manifest relabelled (1.1.0 → 9.1.0) under the original signature", () => {
      const bytes = image("1.1.0", vendor);
      const at = bytes.indexOf('"version":"1.1.0"');
      bytes.write('"version":"9.1.0"', at, "latin1");
      refused("bad-signature", () => install(bytes, dir));
    });

    it("wrong key: signed by a key the terminal does not trust", () => {
      refused("unknown-key", () => install(image("1.1.0", stranger), dir));
    });

    it("wrong key: a trusted key id claimed for another algorithm", () => {
      const unsigned = prepareImage(
        {
          name: "pos",
          version: "1.1.0",
          arch: ARCH,
          createdAt: "2026-11-23T14:00:00.000Z",
          signatureAlgorithm: "rsa-pss-sha256",
          keyId: keyIdOfKey(vendor.privateKey),
        },
        packArchive(firmwareFiles("1.1.0")),
      );
      const bytes = sealImage(unsigned, sign("sha256", unsigned.signedMessage, vendor.privateKey));
      refused("wrong-key", () => install(bytes, dir));
    });

    it("wrong architecture", () => {
      refused("wrong-arch", () => install(image("1.1.0", vendor, "linux-x64"), dir));
    });

    it("older version (anti-rollback)", () => {
      refused("rollback", () => install(image("0.9.9", vendor), dir));
      refused("rollback", () => install(image("1.0.0-rc.1", vendor), dir));
    });

    it("same version unless allowReinstall", () => {
      refused("reinstall", () => install(image("1.0.0", vendor), dir));
      expect(install(image("1.0.0", vendor), dir, { allowReinstall: true }).slot).toBe("b");
    });

    it("truncated image, cut at every 97th byte and across the first and last 64", () => {
      const bytes = image("1.1.0", vendor);
      const cuts = new Set<number>();
      for (let n = 0; n < bytes.length; n += 97) cuts.add(n);
      for (let n = 0; n < 64; n++) cuts.add(n).add(bytes.length - 1 - n);
      for (const n of cuts) refused("malformed", () => install(bytes.subarray(0, n), dir));
    });

    it("corrupted payload byte", () => {
      const bytes = image("1.1.0", vendor);
      bytes[bytes.length - 200]! ^= 1;
      refused("malformed", () => install(bytes, dir));
    });

    it("a second update while the first is still on trial", () => {
      install(image("1.1.0", vendor), dir);
      before = snapshot(dir);
      refused("trial-pending", () => install(image("1.2.0", vendor), dir));
    });
  });

  it("a crash mid-unpack leaves the running slot and boot.json untouched; the next install recovers", () => {
    const running = runningSnapshot(dir, "a");
    for (const crashAfter of [0, 1, 2, 3]) {
      expect(() =>
        installUpdate(image("1.1.0", vendor), {
          trustedKeys: [vendor.trusted],
          runningVersion: "1.0.0",
          dir,
          arch: ARCH,
          onProgress: ({ index }) => {
            if (index === crashAfter) throw new Error("power cut");
          },
        }),
      ).toThrow("power cut");
      expect(runningSnapshot(dir, "a")).toEqual(running);
      expect(readBootState(dir).trial).toBeNull();
      expect(bootSelect(dir)).toMatchObject({ slot: "a", trial: false, version: "1.0.0" });
    }
    expect(readdirSync(join(dir, "slots")).some((name) => name.startsWith(".staging-"))).toBe(true);
    expect(install(image("1.1.0", vendor), dir).slot).toBe("b");
    expect(readdirSync(join(dir, "slots")).sort()).toEqual(["a", "b"]);
  });

  it("an image signed over other files with the same manifest does not install", () => {
    const good = image("1.1.0", vendor);
    const other = signImage(
      { name: "pos-terminal-firmware", version: "1.1.0", arch: ARCH, createdAt: "2026-11-23T14:00:00.000Z" },
      firmwareFiles("6.6.6"),
      (stranger as SigningKey).privateKey,
    );
    expect(refusal(() => install(other, dir))).toBe("unknown-key");
    expect(install(good, dir).slot).toBe("b");
  });
});
