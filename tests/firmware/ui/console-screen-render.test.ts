import { describe, expect, it } from "vitest";
import { consoleKey, displayWidth, renderBox, renderPlain } from "../../../firmware/ui/index.js";

describe("console rendering helpers", () => {
  it("counts CJK and full-width characters as two columns", () => {
    expect(displayWidth("Sale")).toBe(4);
    expect(displayWidth("消费")).toBe(4);
    expect(displayWidth("金额：¥1.00")).toBe(6 + 5);
  });

  it("widens the box for long lines and keeps the state name in the border", () => {
    const long = "x".repeat(50);
    const rows = renderBox({
      state: "idle",
      title: { zh: "欢迎使用", en: "Welcome" },
      lines: [{ zh: long, en: "y" }],
    });
    expect(new Set(rows.map(displayWidth)).size).toBe(1);
    expect(displayWidth(rows[0]!)).toBe(50 + 2 + 2);
    expect(rows.at(-1)).toMatch(/ idle ─┘$/);
  });

  it("plain rendering has no control characters", () => {
    const lines = renderPlain({ state: "idle", title: { zh: "欢迎使用", en: "Welcome" }, lines: [] });
    expect(lines).toEqual(["[idle] 欢迎使用 | Welcome"]);
  });

  it("maps keypress reports without a stream", () => {
    expect(consoleKey("7", { name: "7" })).toBe("7");
    expect(consoleKey("\r", { name: "return" })).toBe("enter");
    expect(consoleKey(undefined, { name: "escape" })).toBe("cancel");
    expect(consoleKey("c", { name: "c", ctrl: true })).toBe("interrupt");
    expect(consoleKey("d", { name: "d", ctrl: true })).toBeUndefined();
    expect(consoleKey("x", { name: "x" })).toBeUndefined();
  });
});
