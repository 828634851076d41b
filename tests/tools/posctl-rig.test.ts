import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openSerialLink } from "../../drivers/link/serial-link.js";
import { SerialMagStripeReader, type Swipe } from "../../drivers/magstripe/index.js";
import { resolveRigDir, runRig, startRig } from "../../tools/posctl/commands/rig.js";
import { RIG_DEVICES } from "../../tools/rig/rig.js";
import { posctl } from "../support/posctl.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk) => {
    text += String(chunk);
  });
  return { stream, text: () => text };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("posctl rig start", () => {
  it("prints the device paths, a config line and `ready`; card commands reach a driver; SIGTERM stops it clean", async () => {
    const pointer = join(tempDir(), "pointer");
    const out = capture();
    const signals = new EventEmitter();
    const done = runRig({}, { stdout: out.stream, signals, pointerFile: pointer });
    await vi.waitFor(() => expect(out.text()).toContain("ready\n"), { timeout: 5000 });
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(RIG_DEVICES.length + 2);
    const devices = Object.fromEntries(lines.slice(0, -2).map((line) => line.split(" ").slice(1)));
    expect(Object.keys(devices)).toEqual([...RIG_DEVICES]);
    expect(lines.slice(0, -2).every((line) => line.startsWith("device "))).toBe(true);
    const config = JSON.parse(lines.at(-2)!.replace(/^config /, ""));
    expect(config.devices.nfc).toEqual({ path: devices.nfc, baudRate: 115200 });
    expect(config.devices.magstripe).toEqual({ path: devices.magstripe, baudRate: 9600 });
    expect(lines.at(-1)).toBe("ready");
    const dir = readFileSync(pointer, "utf8").trim();
    expect(devices.pinpad).toBe(join(dir, "pinpad"));
    expect(resolveRigDir(undefined, pointer)).toBe(dir);

    const msr = new SerialMagStripeReader({
      opener: () => openSerialLink({ path: devices.magstripe!, baudRate: 9600 }),
    });
    cleanups.push(() => msr.close());
    await msr.open();
    const swiped = new Promise<Swipe>((resolve) => msr.onSwipe(resolve));
    expect(await posctl("rig", "card", "swipe", "cup-debit", "--tracks", "2", "--dir", dir)).toEqual({
      stdout: "",
      stderr: "",
      exitCode: 0,
    });
    expect(await swiped).toMatchObject({ chipCard: true, serviceCode: "220" });

    expect(
      (await posctl("rig", "card", "tap", "mc-credit", "--operations", "3", "--dir", dir)).exitCode,
    ).toBe(0);
    expect((await posctl("rig", "card", "insert", "cup-debit", "--dir", dir)).exitCode).toBe(0);
    expect((await posctl("rig", "printer", "paper-out", "--dir", dir)).exitCode).toBe(0);
    expect((await posctl("rig", "modem", "sim-missing", "--dir", dir)).exitCode).toBe(0);
    expect((await posctl("rig", "pin", "123456", "--dir", dir)).exitCode).toBe(0);
    const status = await posctl("rig", "status", "--dir", dir);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`device nfc ${devices.nfc} 115200\n`);
    expect(status.stdout).toContain("contact inserted cup-debit\n");
    expect(status.stdout).toContain("nfc in-field mc-credit\n");
    expect(status.stdout).toContain("printer offline paper out cover closed slips 0 lines 0\n");
    expect(status.stdout).toContain("modem sim missing pdp inactive\n");
    const json = JSON.parse((await posctl("rig", "status", "--json", "--dir", dir)).stdout);
    expect(json).toMatchObject({ transport: "pty", dir, printer: { paper: "out" } });

    const script = join(tempDir(), "script.json");
    writeFileSync(script, JSON.stringify([{ action: "paperIn" }, { at: 10, action: "remove" }]));
    expect(await posctl("rig", "run", script, "--dir", dir)).toEqual({
      stdout: "script done (2 steps)\n",
      stderr: "",
      exitCode: 0,
    });
    expect((await posctl("rig", "status", "--dir", dir)).stdout).toContain(
      "contact empty\nnfc field empty\n",
    );

    const bad = await posctl("rig", "card", "tap", "cup-magstripe", "--dir", dir);
    expect(bad).toEqual({
      stdout: "",
      stderr: 'posctl: card "cup-magstripe" has no contactless interface\n',
      exitCode: 2,
    });

    // The rig's socat processes, children of this test process.
    const pids = execFileSync("pgrep", ["-P", String(process.pid), "socat"], { encoding: "utf8" });
    const socats = pids.trim().split("\n").map(Number);
    expect(socats.length).toBeGreaterThanOrEqual(RIG_DEVICES.length);
    signals.emit("SIGTERM");
    await done;
    expect(socats.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(pointer)).toBe(false);
    expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM")).toBe(0);
  });

  it("runs --script once ready and keeps serving until stopped", async () => {
    const dir = tempDir();
    const script = join(tempDir(), "script.json");
    writeFileSync(
      script,
      JSON.stringify([
        { action: "insert", args: { card: "cup-credit-scripts" } },
        { at: 20, action: "coverOpen" },
      ]),
    );
    const out = capture();
    const running = await startRig({ dir, script }, { stdout: out.stream, pointerFile: false });
    cleanups.push(() => running.shutdown());
    await running.script;
    expect(out.text()).toMatch(/\nready\nscript done \(2 steps\)\n$/);
    expect(running.rig.status()).toMatchObject({
      contact: { inserted: "cup-credit-scripts" },
      printer: { coverOpen: true },
    });
  });

  it("bad --cards or --script: exit 2 with one line naming the entry, nothing left running", async () => {
    const dir = tempDir();
    const cards = join(dir, "cards.json");
    writeFileSync(
      cards,
      JSON.stringify([{ name: "x", contactless: { uid: "01", atqa: "0004", sak: 0, ats: "00" } }]),
    );
    const result = await posctl("rig", "start", "--dir", dir, "--cards", cards);
    expect(result).toEqual({
      stdout: "",
      stderr: `posctl: ${cards}[0].contactless.uid: must be 4, 7, 10 bytes, got 1\n`,
      exitCode: 2,
    });
    const script = join(dir, "script.json");
    writeFileSync(script, JSON.stringify([{ action: "fly" }]));
    const out = capture();
    await expect(startRig({ dir, script }, { stdout: out.stream, pointerFile: false })).rejects.toThrow(
      `${script}[0].action: unknown action "fly"`,
    );
    expect(out.text()).toBe("");
    expect(readdirSync(dir).sort()).toEqual(["cards.json", "script.json"]);
  });
});

describe("posctl rig commands without a rig", () => {
  it("exit 2 with one clear line", async () => {
    const dir = tempDir();
    for (const args of [
      ["status"],
      ["card", "tap", "cup-debit"],
      ["pin", "1234"],
      ["printer", "paper-out"],
    ]) {
      const result = await posctl("rig", ...args, "--dir", dir);
      expect(result).toEqual({
        stdout: "",
        stderr: `posctl: no rig running in ${dir} (start one with: posctl rig start --dir ${dir})\n`,
        exitCode: 2,
      });
    }
    vi.stubEnv("POSCTL_RIG_DIR", dir);
    expect((await posctl("rig", "status")).stderr).toContain(`no rig running in ${dir}`);
    vi.unstubAllEnvs();
    delete process.env.POSCTL_RIG_DIR;
    expect(() => resolveRigDir(undefined, join(dir, "no-pointer"))).toThrow(
      "no rig running (none started; give --dir DIR of a running rig)",
    );
  });

  it("refuses bad arguments before talking to any rig", async () => {
    const dir = tempDir();
    const cases: [string[], string][] = [
      [["card", "remove", "cup-debit"], "card remove takes no card name (every card comes out)"],
      [["card", "insert"], "card insert needs a card name"],
      [["card", "shake", "x"], "card action must be one of insert, tap, swipe, remove"],
      [["card", "tap", "x", "--operations", "0"], "--operations must be 1..100000, got 0"],
      [["card", "swipe", "x", "--fault", "2:bent"], "--fault kind must be one of parity, lrc, partial"],
      [["pin", "12ab"], "the PIN must be 1..16 digits, or cancel, or timeout"],
      [
        ["printer", "jam"],
        "printer action must be one of paper-out, paper-in, near-end, cover-open, cover-close, text",
      ],
    ];
    for (const [args, message] of cases) {
      expect(await posctl("rig", ...args, "--dir", dir)).toEqual({
        stdout: "",
        stderr: `posctl: ${message}\n`,
        exitCode: 2,
      });
    }
  });
});
