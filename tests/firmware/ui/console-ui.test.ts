import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Key } from "../../../firmware/terminal/index.js";
import { ConsoleUi, displayWidth, type ScreenView } from "../../../firmware/ui/index.js";

const settle = (ms = 20) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function consoleOn(options: ConstructorParameters<typeof ConsoleUi>[2] = { mode: "plain" }) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => {
    written += chunk.toString("utf8");
  });
  const ui = new ConsoleUi(output, input, options);
  const keys: Key[] = [];
  const stop = ui.onKey((key) => keys.push(key));
  return { ui, input, keys, stop, written: () => written };
}

const view: ScreenView = {
  state: "amountEntry",
  title: { zh: "输入金额", en: "Enter amount" },
  lines: [
    { zh: "消费", en: "Sale" },
    { zh: "金额：¥12.34", en: "Amount: ¥12.34" },
  ],
};

describe("ConsoleUi keypad", () => {
  it("maps digits, Enter, Esc/q, Backspace, m, arrows and F1/F2", async () => {
    const c = consoleOn();
    c.input.write("0123456789");
    c.input.write("\r");
    c.input.write("q");
    c.input.write("\x7f");
    c.input.write("\b");
    c.input.write("m");
    c.input.write("\x1b[A");
    c.input.write("\x1b[B");
    c.input.write("\x1bOP");
    c.input.write("\x1bOQ");
    c.input.write("\x1b[11~");
    await settle();
    expect(c.keys).toEqual([
      ..."0123456789",
      "enter",
      "cancel",
      "clear",
      "clear",
      "menu",
      "up",
      "down",
      "f1",
      "f2",
      "f1",
    ]);
    c.ui.close();
  });

  it("reads a lone Esc as Cancel once readline's escape-sequence timeout (500 ms) has passed", async () => {
    const c = consoleOn();
    c.input.write("\x1b");
    await settle(600);
    expect(c.keys).toEqual(["cancel"]);
    c.ui.close();
  });

  it("counts CR LF as one Enter and ignores keys the terminal has not got", async () => {
    const c = consoleOn();
    c.input.write("12\r\n");
    c.input.write("\n");
    c.input.write("xyz \t");
    c.input.write("\x1b[C");
    await settle();
    expect(c.keys).toEqual(["1", "2", "enter", "enter"]);
    c.ui.close();
  });

  it("hands Ctrl-C to its owner instead of the keypad", async () => {
    let interrupted = 0;
    const c = consoleOn({ mode: "plain", onInterrupt: () => interrupted++ });
    c.input.write("\x03");
    await settle();
    expect(interrupted).toBe(1);
    expect(c.keys).toEqual([]);
    c.ui.close();
  });

  it("stops a listener when unsubscribed and all of them on close", async () => {
    const c = consoleOn();
    c.input.write("1");
    await settle();
    c.stop();
    c.input.write("2");
    await settle();
    expect(c.keys).toEqual(["1"]);
    const later: Key[] = [];
    c.ui.onKey((key) => later.push(key));
    c.ui.close();
    c.input.write("3");
    await settle();
    expect(later).toEqual([]);
  });

  it("puts a TTY input in raw mode and restores it on close", () => {
    const input = Object.assign(new PassThrough(), {
      isTTY: true,
      modes: [] as boolean[],
      setRawMode(raw: boolean) {
        this.modes.push(raw);
        return this;
      },
    });
    const ui = new ConsoleUi(new PassThrough(), input, { mode: "plain" });
    expect(input.modes).toEqual([true]);
    ui.close();
    expect(input.modes).toEqual([true, false]);
  });
});

describe("ConsoleUi screen", () => {
  it("plain mode prints each new screen once, as lines", () => {
    const c = consoleOn();
    c.ui.show(view);
    c.ui.show({ ...view, lines: [...view.lines] });
    expect(c.written()).toBe(
      "[amountEntry] 输入金额 | Enter amount\n  消费 | Sale\n  金额：¥12.34 | Amount: ¥12.34\n",
    );
    c.ui.show({ ...view, lines: [view.lines[0]!, { zh: "金额：¥1.23", en: "Amount: ¥1.23" }] });
    expect(
      c
        .written()
        .split("\n")
        .filter((line) => line.startsWith("[amountEntry]")),
    ).toHaveLength(2);
    c.ui.close();
  });

  it("tty mode clears and draws a bordered box with both languages, every row the same width", () => {
    const c = consoleOn({ mode: "tty" });
    c.ui.show(view);
    const text = c.written();
    expect(text.startsWith("\x1b[2J\x1b[H")).toBe(true);
    const rows = text.slice("\x1b[2J\x1b[H".length).split("\r\n").filter(Boolean);
    // border, title zh + en, rule, each line zh + en, border
    expect(rows).toHaveLength(1 + 2 + 1 + 2 * view.lines.length + 1);
    expect(rows[0]).toMatch(/^┌─+┐$/);
    expect(rows[1]).toContain("输入金额");
    expect(rows[2]).toContain("Enter amount");
    expect(rows.at(-1)).toContain(" amountEntry ");
    const widths = new Set(rows.map(displayWidth));
    expect(widths.size).toBe(1);
    c.ui.close();
  });

  it("defaults to plain output when the output is not a terminal", () => {
    const ui = new ConsoleUi(new PassThrough(), new PassThrough());
    expect(ui.mode).toBe("plain");
    ui.close();
  });
});
