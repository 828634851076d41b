export { bindUi, type TerminalActorLike } from "./bind-ui.js";
export { consoleKey, type KeypressInfo } from "./console-key-map.js";
export { displayWidth, renderBox, renderPlain } from "./console-screen-render.js";
export { ConsoleUi, type ConsoleUiOptions } from "./console-ui.js";
export type { FramebufferScreen } from "./framebuffer-screen.js";
export type { KeyListener, Keypad } from "./keypad.js";
export type { Screen, ScreenView } from "./screen.js";
export { type TerminalSnapshotLike, terminalView } from "./terminal-view.js";
