import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { readBootState } from "../../../firmware/update/index.js";
import { type BoardRunResult, loadBoardConfig, runBoard } from "../../../tools/board/index.js";
import { sendImage } from "../../../tools/flash/index.js";
import { openPtyPair, type PtyPair } from "../../../tools/rig/pty-pair.js";
import { ecKey, firmwareImage, makeBoard, withBadSignature } from "./board-fixture.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A board with its flash port on one end of a socat pty pair; the engineer's cable is the other end. */
async function board() {
  const fixture = makeBoard("board-launcher-", "cable-board");
  const { configPath } = fixture;
  const hostPath = join(fixture.root, "cable-host");
  const pty: PtyPair = await openPtyPair(hostPath, join(fixture.root, "cable-board"));
  const logs: { level: string; message: string; fields?: object }[] = [];
  let running: { stop: () => void; done: Promise<BoardRunResult> } | undefined;
  cleanup.push(async () => {
    running?.stop();
    await running?.done.catch(() => {});
    await pty.stop();
    rmSync(fixture.root, { recursive: true, force: true });
  });

  /** Starts the launcher (as systemd would) and waits for its firmware to print its first line. */
  const start = async () => {
    let stop: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let firmware: ChildProcess | undefined;
    const firstLine = new Promise<string>((resolve) => {
      const done = runBoard({
        config: loadBoardConfig(configPath),
        log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
        until,
        stdio: "pipe",
        stopTimeoutMs: 2000,
        onFirmware: (child) => {
          firmware = child;
          let text = "";
          child.stdout?.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes("\n")) resolve(text.split("\n")[0] ?? "");
          });
        },
      });
      running = { stop, done };
    });
    const line = await firstLine;
    await waitFor(() => logs.some((l) => l.message === "flash port open"));
    const session = running!;
    return {
      line,
      firmware: firmware!,
      /** systemctl stop: SIGTERM to the launcher, which stops the firmware. */
      async stop() {
        session.stop();
        running = undefined;
        return session.done;
      },
    };
  };

  const flash = (image: Buffer) =>
    sendImage({
      open: () => openSerialLink({ path: hostPath, baudRate: 115200 }),
      image,
      blockSize: 1024,
      replyTimeoutMs: 1000,
    });

  return { ...fixture, logs, start, flash };
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const boots = (dataDir: string) => readFileSync(join(dataDir, "boots.log"), "utf8").trim().split("\n");

describe("board launcher: A/B boot with serial flashing", () => {
  it("stages a flashed image without switching, boots it on trial at the next start, keeps it once idle", async () => {
    const b = await board();
    const first = await b.start();
    expect(first.line).toBe("idle 1.0.0"); // no slot yet: the factory release

    const result = await b.flash(firmwareImage(b.signingKey, "1.1.0", true));
    expect(result.verdict).toBe("ok");
    expect(b.logs).toContainEqual(
      expect.objectContaining({
        message: "firmware image staged: boots on trial at the next start",
        fields: { slot: "a", version: "1.1.0", trialBoots: 1 },
      }),
    );
    // Staged, not switched: the running firmware is untouched until the next start.
    expect(first.firmware.exitCode).toBeNull();
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: null, trial: "a" });
    expect(readdirSync(join(b.dataDir, "incoming")).filter((f) => f.endsWith(".part"))).toEqual([]);
    const stopped = await first.stop();
    expect(stopped.staged.map((s) => s.manifest.version)).toEqual(["1.1.0"]);

    const second = await b.start();
    expect(second.line).toBe("idle 1.1.0");
    expect(b.logs).toContainEqual(
      expect.objectContaining({
        message: "booting firmware",
        fields: expect.objectContaining({ source: "slot", slot: "a", trial: true }),
      }),
    );
    await second.stop();
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: "a", trial: null });

    const third = await b.start(); // healthy slot: no longer a trial
    expect(third.line).toBe("idle 1.1.0");
    await third.stop();
    expect(boots(b.dataDir)).toEqual(["1.0.0 trial=0", "1.1.0 trial=1", "1.1.0 trial=0"]);
  });

  it("rolls back on the following start when the trial slot never reached idle", async () => {
    const b = await board();
    let run = await b.start();
    expect((await b.flash(firmwareImage(b.signingKey, "1.1.0", true))).verdict).toBe("ok");
    await run.stop();
    run = await b.start(); // 1.1.0 on trial reaches idle: active a
    expect((await b.flash(firmwareImage(b.signingKey, "1.2.0", false))).verdict).toBe("ok");
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: "a", trial: "b" });
    await run.stop();

    run = await b.start();
    expect(run.line).toBe("hung 1.2.0"); // the trial boot: never reaches idle
    await run.stop();

    run = await b.start();
    expect(run.line).toBe("idle 1.1.0");
    expect(b.logs).toContainEqual(
      expect.objectContaining({
        message: "trial slot never reached idle: rolled back",
        fields: { slot: "b", version: "1.2.0" },
      }),
    );
    await run.stop();
    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: "a", trial: null });
    expect(boots(b.dataDir)).toEqual(["1.0.0 trial=0", "1.1.0 trial=1", "1.2.0 trial=1", "1.1.0 trial=0"]);
  });

  it("never stages an image with a bad signature or from an untrusted key", async () => {
    const b = await board();
    const run = await b.start();
    const good = firmwareImage(b.signingKey, "1.1.0", true);

    const tampered = await b.flash(withBadSignature(good));
    expect(tampered.verdict).toBe("refused");
    expect(tampered.reason).toMatch(/bad-signature/);

    const stranger = await b.flash(firmwareImage(ecKey().privateKey, "1.1.0", true));
    expect(stranger.verdict).toBe("refused");
    expect(stranger.reason).toMatch(/unknown-key/);

    expect(readBootState(join(b.dataDir, "update"))).toMatchObject({ active: null, trial: null });
    expect(existsSync(join(b.dataDir, "update", "slots", "a"))).toBe(false);
    expect(readdirSync(join(b.dataDir, "incoming")).filter((f) => f.endsWith(".part"))).toEqual([]);
    expect(b.logs.filter((l) => l.message === "firmware image refused")).toHaveLength(2);
    await run.stop();

    const next = await b.start(); // nothing staged: the factory release again
    expect(next.line).toBe("idle 1.0.0");
    await next.stop();
  });

  it("sends 'another install is in progress' back to the sender while an SSH install holds the lock", async () => {
    const b = await board();
    const run = await b.start();
    const updateDir = join(b.dataDir, "update");
    mkdirSync(updateDir, { recursive: true });
    // `posctl board install` in another process (here: this test process, alive) is staging right now.
    writeFileSync(join(updateDir, "install.lock"), `${process.pid}\n`);
    const busy = await b.flash(firmwareImage(b.signingKey, "1.1.0", true));
    expect(busy.verdict).toBe("refused");
    expect(busy.reason).toContain(`another install is in progress (pid ${process.pid})`);
    expect(readBootState(updateDir)).toMatchObject({ active: null, trial: null });

    rmSync(join(updateDir, "install.lock")); // that install finished
    expect((await b.flash(firmwareImage(b.signingKey, "1.1.0", true))).verdict).toBe("ok");
    expect(readBootState(updateDir)).toMatchObject({ trial: "a", versions: { a: "1.1.0" } });
    await run.stop();
  });
});
