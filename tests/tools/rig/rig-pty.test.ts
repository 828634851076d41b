import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CcidContactReader } from "../../../drivers/contact/index.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { SerialMagStripeReader, type Swipe } from "../../../drivers/magstripe/index.js";
import { Pn532Reader } from "../../../drivers/nfc/index.js";
import { AbecsPinPad } from "../../../drivers/pinpad/index.js";
import { tdesEcbEncrypt } from "../../../protocol/crypto/cipher.js";
import { kcvTdes } from "../../../protocol/crypto/kcv.js";
import { decryptPinBlock } from "../../../protocol/crypto/pinblock/index.js";
import { DEFAULT_TMK_HEX } from "../../../tools/host-sim/default-cards.js";
import { sendRigRequest } from "../../../tools/rig/control-client.js";
import { RIG_DEVICES, Rig, type RigDevice } from "../../../tools/rig/rig.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => {
  const probe = spawnSync("socat", ["-V"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "socat is not installed: the pty rig needs it (apt-get install -y socat, as .ci/run does)",
    );
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ptyRig(dir?: string): Promise<Rig> {
  const rig = await Rig.start({ transport: "pty", ...(dir ? { dir } : {}) });
  cleanups.push(() => rig.stop());
  return rig;
}

function opener(rig: Rig, device: RigDevice) {
  const { path, baudRate } = rig.deviceConfig().devices[device];
  return () => openSerialLink({ path, baudRate });
}

describe("the rig on real pseudo-terminals (socat)", () => {
  it("makes one pty link per device and an owner-only control socket in its directory", async () => {
    const rig = await ptyRig();
    const dir = rig.dir!;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const device of RIG_DEVICES) {
      expect(rig.paths()[device]).toBe(join(dir, device));
      expect(lstatSync(join(dir, device)).isSymbolicLink()).toBe(true);
    }
    const socket = lstatSync(join(dir, "control.sock"));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(rig.socatPids()).toHaveLength(RIG_DEVICES.length);
    expect(readdirSync(dir).filter((n) => n.startsWith(".control-"))).toEqual([]);
  });

  it("card actions through the control socket reach the drivers on the pty paths", async () => {
    const rig = await ptyRig();
    const dir = rig.dir!;

    const nfc = new Pn532Reader({ open: opener(rig, "nfc"), ackTimeoutMs: 500 });
    cleanups.push(() => nfc.close());
    await nfc.open();
    expect(await sendRigRequest(dir, { action: "tap", card: "cup-debit" })).toEqual({ ok: true });
    expect(await nfc.poll({ timeoutMs: 1000 })).toMatchObject({
      type: "A",
      uid: Buffer.from("08000033", "hex"),
    });

    const contact = new CcidContactReader({ opener: opener(rig, "contact") });
    cleanups.push(() => contact.close());
    await contact.open();
    const inserted = new Promise((resolve) => contact.onCardEvent(resolve));
    expect(await sendRigRequest(dir, { action: "insert", card: "cup-credit-scripts" })).toEqual({ ok: true });
    expect(await inserted).toEqual({ type: "inserted" });
    await contact.powerOn();
    const fci = await contact.transmit(Buffer.from("00A4040008A00000033301010200", "hex"));
    expect(fci.sw).toBe(0x9000);
    expect(fci.data.toString("latin1")).toContain("UnionPay Credit");

    const msr = new SerialMagStripeReader({ opener: opener(rig, "magstripe") });
    cleanups.push(() => msr.close());
    await msr.open();
    const swiped = new Promise<Swipe>((resolve) => msr.onSwipe(resolve));
    expect(await sendRigRequest(dir, { action: "swipe", card: "visa-foreign" })).toEqual({ ok: true });
    expect(await swiped).toMatchObject({ panMasked: "476173******0016", chipCard: false });

    const pad = new AbecsPinPad({ opener: opener(rig, "pinpad") });
    cleanups.push(() => pad.close());
    const pik = Buffer.from("0123456789ABCDEF0123456789ABCDEF", "hex");
    await pad.open();
    await pad.loadWorkingKey({
      slot: 0,
      usage: "pin",
      ciphertext: tdesEcbEncrypt(Buffer.from(DEFAULT_TMK_HEX, "hex"), pik),
      kcv: kcvTdes(pik),
    });
    expect(await sendRigRequest(dir, { action: "enterPin", digits: "2468" })).toEqual({ ok: true });
    const pan = "4761739001010016";
    const block = await pad.getPin({ pan });
    expect(decryptPinBlock(pik, block.block, { format: 0, pan }).toString()).toBe("2468");

    const status = await sendRigRequest(dir, { action: "status" });
    expect(status).toMatchObject({
      ok: true,
      status: {
        transport: "pty",
        dir,
        contact: { inserted: "cup-credit-scripts" },
        nfc: { inField: ["cup-debit"] },
      },
    });
  });

  it("refuses bad requests with one line naming the field, and runs a script sent as a request", async () => {
    const rig = await ptyRig();
    const dir = rig.dir!;
    expect(await sendRigRequest(dir, { action: "tap", card: "nope" })).toEqual({
      ok: false,
      error:
        'no card "nope" (the rig has cup-magstripe, cup-credit, cup-debit, cup-credit-scripts, cup-low-balance, visa-foreign, mc-credit, cup-declined, cup-expired)',
    });
    const unknown = await sendRigRequest(dir, { action: "fly" });
    expect(unknown).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^request\.action: unknown action "fly" \(one of insert, tap/),
    });
    expect(await sendRigRequest(dir, { action: "tap" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^request\.card: /),
    });
    const run = await sendRigRequest(dir, {
      action: "runScript",
      steps: [{ action: "paperOut" }, { at: 20, action: "insert", args: { card: "cup-debit" } }],
    });
    expect(run).toEqual({ ok: true, steps: 2 });
    expect(rig.status()).toMatchObject({ printer: { paper: "out" }, contact: { inserted: "cup-debit" } });
    expect(
      await sendRigRequest(dir, { action: "runScript", steps: [{ action: "tap", args: { card: 5 } }] }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/^request\.steps\[0\]\.args\.card: /) });
  });

  it("stop() ends every socat and removes the links, the socket and the directory it made", async () => {
    const rig = await Rig.start({ transport: "pty" });
    const dir = rig.dir!;
    const pids = rig.socatPids();
    const link = await opener(rig, "printer")();
    expect(pids.every(alive)).toBe(true);
    await rig.stop();
    await rig.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    await link.close();
    await expect(sendRigRequest(dir, { action: "status" })).rejects.toThrow(`no rig running in ${dir}`);
  });

  it("in a directory it was given, stop() removes only its own files; a second rig there is refused", async () => {
    const dir = tempDir();
    const rig = await ptyRig(dir);
    await expect(Rig.start({ transport: "pty", dir })).rejects.toThrow(`a rig is already running in ${dir}`);
    // The refused rig cleaned up after itself, without touching the running one.
    expect(rig.socatPids().every(alive)).toBe(true);
    expect(await sendRigRequest(dir, { action: "status" })).toMatchObject({ ok: true });
    const pids = rig.socatPids();
    await rig.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a start that fails half-way (after every socat is up) stops them all and leaves nothing behind", async () => {
    // The links fit, the control socket's path does not (sun_path is 108 bytes).
    const dir = join(tempDir(), "d".repeat(100));
    const before = socatChildren();
    await expect(Rig.start({ transport: "pty", dir })).rejects.toThrow("control socket path too long");
    expect(socatChildren().filter((pid) => !before.includes(pid))).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** socat processes that are children of this test process. */
function socatChildren(): number[] {
  const found = spawnSync("pgrep", ["-P", String(process.pid), "socat"], { encoding: "utf8" });
  return found.stdout.split("\n").filter(Boolean).map(Number);
}
