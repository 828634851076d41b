import { emitKeypressEvents } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { createActor } from "xstate";
import { bindSecurityEvents } from "../../firmware/app/tamper-response.js";
import { terminalServices } from "../../firmware/app/terminal-services.js";
import { createTerminalMachine } from "../../firmware/terminal/index.js";
import { bindUi, ConsoleUi, type Screen, type ScreenView } from "../../firmware/ui/index.js";
import { RigTerminal } from "./rig-terminal.js";

/** The cards the console's hands cycle through (c), each with what it can do. */
const HAND_CARDS = [
  "cup-magstripe",
  "cup-debit",
  "cup-credit-scripts",
  "mc-credit",
  "cup-credit",
  "visa-foreign",
];

const LEGEND = [
  "keypad: 0-9 amount · Enter OK · q/Esc cancel · Backspace clear · m menu",
  "hands:  s swipe · i insert · t tap · r remove card · c next card · x show payment code · p paper out/in",
];

export interface ConsoleTerminalOptions {
  input: Readable;
  output: Writable;
  /** Where the journal, keys, config, spool and log live; a temp dir (removed at exit) when absent. */
  dir?: string;
  mode?: "tty" | "plain";
  /** Also listen for a cash register (ECR, docs/ecr-protocol.md) on this loopback address. */
  ecrTcp?: { host: string; port: number };
  /** Resolves when the terminal should shut down (Ctrl-C, SIGINT/SIGTERM, end of input). */
  until?: Promise<void>;
}

/**
 * `npm start`: the terminal on the rig against the host simulator, driven from this console. The
 * statechart runs the screens; the keypad is the keyboard; the cardholder's hands are letter keys that
 * move the rig's cards. Everything else (PIN at the pad: the rig's unattended cardholder knows the test
 * PINs) happens as on a real terminal.
 */
export async function runConsoleTerminal(
  options: ConsoleTerminalOptions,
): Promise<{ log: string; dir: string }> {
  const ecrLines: string[] = [];
  const ecrTcp = options.ecrTcp;
  const terminal = await RigTerminal.start({
    ...(options.dir ? { dir: options.dir } : {}),
    ...(ecrTcp ? { settings: (s) => ({ ...s, ecr: { tcp: ecrTcp } }) } : {}),
  });
  const { rig, scanner, app } = terminal;
  const ecr = await app.startEcr();
  if (ecr.tcp) ecrLines.push(`cash register (ECR) link: tcp ${ecr.tcp.host}:${ecr.tcp.port}`);
  let cardIndex = 0;
  let paperOut = false;
  let note = `card: ${HAND_CARDS[cardIndex]}`;
  let interrupted: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    interrupted = resolve;
  });
  const ui = new ConsoleUi(options.output, options.input, {
    ...(options.mode ? { mode: options.mode } : {}),
    onInterrupt: () => interrupted(),
  });
  let last: ScreenView | undefined;
  const footer = () => `${[...LEGEND, ...ecrLines].join("\n")}\n${note}\n`;
  const screen: Screen = {
    show(view) {
      last = view;
      if (view.state === "idle" && app.lastSlipPath) note = `last slip: ${app.lastSlipPath}`;
      ui.show(view);
      if (ui.mode === "tty") options.output.write(footer().replaceAll("\n", "\r\n"));
    },
  };
  const hand = (action: () => void | Promise<void>, text: string) => {
    note = text;
    Promise.resolve()
      .then(action)
      .catch((error: Error) => {
        note = `rig: ${error.message}`;
      })
      .finally(() => {
        if (ui.mode === "tty" && last) screen.show({ ...last });
        else options.output.write(`${note}\n`);
      });
  };
  emitKeypressEvents(options.input);
  const onHand = (text: string | undefined) => {
    const card = HAND_CARDS[cardIndex]!;
    switch (text) {
      case "s":
        return hand(() => rig.swipe(card), `swiped ${card}`);
      case "i":
        return hand(() => rig.insert(card), `inserted ${card}`);
      case "t":
        return hand(() => rig.tap(card), `tapped ${card}`);
      case "r":
        return hand(() => rig.remove(), "card removed");
      case "c":
        cardIndex = (cardIndex + 1) % HAND_CARDS.length;
        return hand(() => {}, `card: ${HAND_CARDS[cardIndex]}`);
      case "x": {
        const code = `62${String(Date.now()).slice(-13).padStart(17, "0")}`;
        return hand(
          () => {
            if (!scanner.scan(code)) throw new Error("nobody is scanning: start a sale first");
          },
          `payment code ${code.slice(0, 6)}…${code.slice(-4)} shown`,
        );
      }
      case "p":
        paperOut = !paperOut;
        return hand(
          () => (paperOut ? rig.paperOut() : rig.paperIn()),
          paperOut ? "printer: paper out" : "printer: paper loaded",
        );
    }
  };
  options.input.on("keypress", onHand);
  if (ui.mode !== "tty") options.output.write(footer());
  const actor = createActor(createTerminalMachine(terminalServices(app)));
  const unbind = bindUi(actor, screen, ui);
  actor.start();
  const unbindSecurity = bindSecurityEvents(app.tamper, actor);
  try {
    await Promise.race([stopped, options.until ?? new Promise<void>(() => {})]);
  } finally {
    options.input.off("keypress", onHand);
    unbind();
    unbindSecurity();
    actor.stop();
    ui.close();
    await terminal.stop(options.dir ? { keepDir: true } : {});
  }
  return { log: terminal.logPath, dir: terminal.dir };
}
