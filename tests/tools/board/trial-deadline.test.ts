import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readBootState } from "../../../firmware/update/index.js";
import { type BoardRunResult, loadBoardConfig, runBoard, stageImage } from "../../../tools/board/index.js";
import { signImage } from "../../../tools/image/index.js";
import { ARCH, type BoardFixture, firmwareImage, makeBoard } from "./board-fixture.js";

const DEADLINE_S = 1;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A board (no flash port) whose trial firmware gets DEADLINE_S seconds to reach idle. */
function board(): BoardFixture & { stage: (image: Buffer) => void } {
  const fixture = makeBoard("trial-deadline-");
  const config = JSON.parse(readFileSync(fixture.configPath, "utf8")) as Record<string, unknown>;
  writeFileSync(fixture.configPath, JSON.stringify({ ...config, trialDeadlineSeconds: DEADLINE_S }));
  cleanup.push(() => rmSync(fixture.root, { recursive: true, force: true }));
  let n = 0;
  const stage = (image: Buffer) => {
    n += 1;
    const path = join(fixture.root, `image-${n}.img`);
    writeFileSync(path, image);
    stageImage(loadBoardConfig(fixture.configPath), path);
  };
  return { ...fixture, stage };
}

/** Runs the launcher as systemd would; `lines` collects every firmware's first line, in order. */
function launch(b: BoardFixture) {
  let stop: () => void = () => {};
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const logs: { level: string; message: string; fields?: object }[] = [];
  const lines: string[] = [];
  const exits: (number | null)[] = [];
  const done = runBoard({
    config: loadBoardConfig(b.configPath),
    log: (level, message, fields) => logs.push({ level, message, ...(fields ? { fields } : {}) }),
    until,
    stdio: "pipe",
    stopTimeoutMs: 500,
    healthPollMs: 50,
    onFirmware: (child) => {
      let text = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        if (text.includes("\n")) return;
        text += chunk.toString();
        if (text.includes("\n")) lines.push(text.split("\n")[0] ?? "");
      });
      child.once("exit", (code, signal) => exits.push(code ?? (signal === "SIGKILL" ? -9 : null)));
    },
  });
  const session = {
    logs,
    lines,
    exits,
    async stop(): Promise<BoardRunResult> {
      stop();
      return done;
    },
  };
  cleanup.push(async () => {
    stop();
    await done.catch(() => {});
  });
  return session;
}

async function waitFor(check: () => boolean, timeoutMs = 8000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const boots = (dataDir: string) => readFileSync(join(dataDir, "boots.log"), "utf8").trim().split("\n");
const updateDir = (b: BoardFixture) => join(b.dataDir, "update");

/** A trial slot that only reaches idle after `afterMs` (slow cold start), or that ignores SIGTERM. */
function slowImage(
  b: BoardFixture,
  version: string,
  behaviour: { healthyAfterMs?: number; stubborn?: boolean },
) {
  const script = `import { appendFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
const dataDir = process.argv[2];
appendFileSync(dataDir + "/boots.log", "${version} trial=" + process.env.POS_BOOT_TRIAL + "\\n");
console.log("starting ${version}");
${
  behaviour.healthyAfterMs === undefined
    ? ""
    : `setTimeout(() => {
  const file = dataDir + "/update/boot.json";
  const state = JSON.parse(readFileSync(file, "utf8"));
  state.active = state.trial; state.trial = null; state.trialBootsLeft = 0;
  writeFileSync(file + ".tmp", JSON.stringify(state));
  renameSync(file + ".tmp", file); // atomically, as the terminal does
}, ${behaviour.healthyAfterMs});`
}
setInterval(() => {}, 1000);
process.on("SIGTERM", () => { ${behaviour.stubborn ? "" : "process.exit(0);"} });
`;
  return signImage(
    { name: "pos-firmware", version, arch: ARCH, createdAt: "2026-11-23T12:00:00Z" },
    [{ path: "main.mjs", mode: 0o644, data: Buffer.from(script) }],
    b.signingKey,
  );
}

describe("board launcher: trial deadline", () => {
  it("stops a trial that never reaches idle at its deadline, rolls back and starts the previous slot", async () => {
    const b = board();
    b.stage(firmwareImage(b.signingKey, "1.1.0", true));
    let run = launch(b); // 1.1.0 on trial reaches idle at once: the deadline is cancelled
    await waitFor(() =>
      run.logs.some((l) => l.message === "trial firmware reached idle: trial deadline cancelled"),
    );
    await run.stop();
    expect(readBootState(updateDir(b))).toMatchObject({ active: "a", trial: null });

    b.stage(firmwareImage(b.signingKey, "1.2.0", false)); // hangs: alive, never idle
    run = launch(b);
    await waitFor(() => run.lines.length === 1);
    expect(run.lines[0]).toBe("hung 1.2.0");
    const took = await waitFor(() => run.lines.length === 2);
    expect(run.lines[1]).toBe("idle 1.1.0"); // the previous slot, started in its place
    expect(took).toBeLessThan(DEADLINE_S * 1000 + 2000);
    expect(run.exits).toEqual([0]); // the hung trial ended on SIGTERM
    expect(readBootState(updateDir(b))).toMatchObject({ active: "a", trial: null, trialBootsLeft: 0 });
    expect(run.logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: "trial firmware did not reach idle within the trial deadline: stopping it",
        fields: { slot: "b", version: "1.2.0", deadlineSeconds: DEADLINE_S },
      }),
    );
    expect(run.logs).toContainEqual(
      expect.objectContaining({
        message: "trial slot rolled back after its deadline",
        fields: { slot: "b", version: "1.2.0" },
      }),
    );
    expect(run.logs.filter((l) => l.message === "booting firmware").map((l) => l.fields)).toEqual([
      expect.objectContaining({ slot: "b", trial: true }),
      expect.objectContaining({ slot: "a", trial: false }),
    ]);
    const result = await run.stop();
    expect(result).toMatchObject({
      boot: { source: "slot", slot: "a", trial: false },
      trialTimedOut: { slot: "b", version: "1.2.0", rolledBack: true },
      exitCode: 0,
    });
    expect(boots(b.dataDir)).toEqual(["1.1.0 trial=1", "1.2.0 trial=1", "1.1.0 trial=0"]);
  });

  it("never kills a trial that reaches idle before the deadline, even late in it", async () => {
    const b = board();
    b.stage(slowImage(b, "1.1.0", { healthyAfterMs: 600 }));
    const run = launch(b);
    await waitFor(() => run.lines.length === 1);
    await sleep(DEADLINE_S * 1000 + 700); // well past the deadline
    expect(run.lines).toEqual(["starting 1.1.0"]);
    expect(run.exits).toEqual([]); // still running
    expect(run.logs.map((l) => l.message)).toContain("trial firmware reached idle: trial deadline cancelled");
    expect(run.logs.map((l) => l.message)).not.toContain(
      "trial firmware did not reach idle within the trial deadline: stopping it",
    );
    const result = await run.stop();
    expect(result.trialTimedOut).toBeUndefined();
    expect(readBootState(updateDir(b))).toMatchObject({ active: "a", trial: null });
  });

  it("kills a hung first image that ignores SIGTERM after the grace, then runs the factory release", async () => {
    const b = board();
    b.stage(slowImage(b, "1.1.0", { stubborn: true }));
    const run = launch(b);
    await waitFor(() => run.lines.length === 2);
    expect(run.lines).toEqual(["starting 1.1.0", "idle 1.0.0"]);
    expect(run.exits).toEqual([-9]); // SIGKILL after stopTimeoutMs
    expect(readBootState(updateDir(b))).toMatchObject({ active: null, trial: null });
    const result = await run.stop();
    expect(result).toMatchObject({
      boot: { source: "factory", version: "1.0.0" },
      trialTimedOut: { slot: "a", rolledBack: true },
    });
  });

  it("leaves a non-trial boot alone however long it runs", async () => {
    const b = board();
    const run = launch(b); // the factory release: no trial, no deadline
    await waitFor(() => run.lines.length === 1);
    await sleep(DEADLINE_S * 1000 + 300);
    expect(run.exits).toEqual([]);
    expect((await run.stop()).trialTimedOut).toBeUndefined();
  });
});
