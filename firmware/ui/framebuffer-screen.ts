import type { Screen } from "./screen.js";

/**
 * The seam for a board's display: a Linux framebuffer (`/dev/fb0`, typically 320×240 or 240×320 at 16 bpp
 * on POS boards) or an SPI/I²C LCD behind a small controller. Not implemented here: there is no board in
 * this repository, and the console UI serves the rig. A board implementation:
 * - rasterises each `ScreenView` with a CJK bitmap font (GB2312/GB18030 16×16 or 24×24; Latin at half
 *   width), title on an inverted band, one line per `BilingualText`, in `languages` (small panels show
 *   Chinese only);
 * - draws into an off-screen buffer and copies it in one write (no tearing), and only when the view
 *   changed, as `show` may be called for every chart snapshot;
 * - never draws PAN, PIN or key material (views never carry them; the PIN pad shows its own asterisks);
 * - opens its device lazily and releases it in `close`, so a board without the panel still boots.
 */
export interface FramebufferScreen extends Screen {
  /** Pixels. */
  readonly width: number;
  readonly height: number;
  /** Which texts of each `BilingualText` the panel shows. */
  readonly languages: "zh" | "en" | "both";
  /** 0 (off) to 100; idle dimming is the board's policy. */
  setBacklight(level: number): void;
  close(): Promise<void>;
}
