import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Journal } from "../../../firmware/journal/index.js";
import { runConsoleTerminal } from "../../../tools/terminal/console-terminal.js";
import { RIG_SUPERVISOR } from "../../../tools/terminal/rig-terminal.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();

/** A console: keys typed into `input`, everything shown collected from `output`. */
function fakeConsole() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const waitFor = async (pattern: RegExp, after = 0, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text.slice(after))) {
      if (Date.now() > deadline)
        throw new Error(`never shown: ${pattern}\n--- screen so far ---\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return text.length;
  };
  return { input, output, type: (keys: string) => input.write(keys), waitFor, text: () => text };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

/** The terminal at a fake console in plain mode, in a fresh data dir; `stop()` ends it. */
function startConsole() {
  const dir = tempDir();
  const c = fakeConsole();
  const ended = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const running = runConsoleTerminal({ input: c.input, output: c.output, dir, mode: "plain", until: ended });
  return { dir, c, running };
}

describe("the console terminal (npm start): statechart + app + rig + host simulator", () => {
  it("boots to idle, takes a keyed sale paid by a swipe, prints both copies, then voids it under the supervisor's password", async () => {
    const { dir, c, running } = startConsole();
    let at = await c.waitFor(/\[idle\]/);
    c.type("1234\r");
    at = await c.waitFor(/\[presentCard\][\s\S]*¥12\.34/, at);
    c.type("s");
    at = await c.waitFor(/\[approved\]/, at);
    at = await c.waitFor(/\[printing\][\s\S]*\[idle\]/, at);
    // Void needs the supervisor: user 00 and the rig's password, typed masked.
    c.type("m");
    at = await c.waitFor(/\[mainMenu\]/, at);
    c.type("2");
    at = await c.waitFor(/\[authUser\]/, at);
    c.type("00\r");
    at = await c.waitFor(/\[authPassword\]/, at);
    c.type(`${RIG_SUPERVISOR.password}\r`);
    at = await c.waitFor(/\[originalStan\]/, at);
    c.type("2\r");
    at = await c.waitFor(/\[amountEntry\][\s\S]*撤销/, at);
    c.type("1234\r");
    at = await c.waitFor(/\[presentCard\]/, at);
    c.type("s");
    at = await c.waitFor(/\[approved\]/, at);
    await c.waitFor(/\[idle\]/, at);
    stop?.();
    await running;

    const journal = Journal.open(`${dir}/data/journal.db`);
    try {
      const sale = journal.query({ type: "sale" })[0]!;
      expect(journal.last()).toMatchObject({ type: "void", amount: 1234, status: "approved" });
      expect(sale).toMatchObject({
        type: "sale",
        amount: 1234,
        status: "voided",
        entryMode: "swipe",
        copiesPrinted: 2,
      });
      expect(sale.maskedPan).toBe("622202*********0014");
      expect(journal.receipts(sale.id).map((r) => r.copy)).toEqual(["merchant", "cardholder"]);
    } finally {
      journal.close();
    }
    expect(c.text()).not.toContain("6222021000000000014");
    expect(c.text()).not.toContain(RIG_SUPERVISOR.password);
  });

  it("cancel at the card prompt returns to idle without touching the host", async () => {
    const { dir, c, running } = startConsole();
    let at = await c.waitFor(/\[idle\]/);
    c.type("500\r");
    at = await c.waitFor(/\[presentCard\]/, at);
    c.type("q");
    await c.waitFor(/\[idle\]/, at);
    stop?.();
    await running;
    const journal = Journal.open(`${dir}/data/journal.db`);
    try {
      expect(journal.query({ type: "sale" })).toHaveLength(0);
    } finally {
      journal.close();
    }
  });
});
