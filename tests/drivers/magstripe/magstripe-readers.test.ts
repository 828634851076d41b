import { afterEach, describe, expect, it } from "vitest";
import { createMemoryHidPair } from "../../../drivers/hid/memory-hid.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import {
  HidMagStripeReader,
  type MagStripeReader,
  type MisreadReason,
  SerialMagStripeReader,
  type Swipe,
  wipeSwipe,
} from "../../../drivers/magstripe/index.js";
import {
  HidWedgeEmulator,
  MagtekHidEmulator,
  SerialMsrEmulator,
} from "../../../tools/rig/emulators/magstripe/index.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";
import { ManualClock } from "../../support/manual-clock.js";

const T1 = "B6212345678901234^ZHANG/SAN^2512201123456789";
const T2 = "6212345678901234=25122011234567890";
const T3 = "996212345678901234=156156000000000000300000011400002512";
const chipCard = new ScriptedCard({
  name: "UnionPay chip",
  tracks: { track1: T1, track2: T2, track3: T3 },
  responses: {},
});
const stripeOnly = new ScriptedCard({
  name: "stripe only",
  tracks: { track2: "6212345678901234=25121011234567890" },
  responses: {},
});

const settle = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

const text = (b?: Buffer) => b?.toString("latin1");

interface Harness {
  reader: MagStripeReader;
  swipes: Swipe[];
  misreads: MisreadReason[];
}

function collect(reader: MagStripeReader): Harness {
  const swipes: Swipe[] = [];
  const misreads: MisreadReason[] = [];
  reader.onSwipe((s) => swipes.push(s));
  reader.onMisread((m) => misreads.push(m));
  return { reader, swipes, misreads };
}

const open: MagStripeReader[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

async function serialRig(clock = new ManualClock()) {
  const devices: ByteLink[] = [];
  const hosts: ByteLink[] = [];
  const reader = new SerialMagStripeReader({
    clock,
    opener: async () => {
      const { host, device } = createMemoryLinkPair("msr");
      devices.push(device);
      hosts.push(host);
      return host;
    },
  });
  open.push(reader);
  const h = collect(reader);
  await reader.open();
  return { ...h, emulator: () => new SerialMsrEmulator(devices.at(-1)!), devices, hosts, clock };
}

describe("SerialMagStripeReader ↔ SerialMsrEmulator", () => {
  it("all three tracks: fields, masked PAN, chip service code", async () => {
    const r = await serialRig();
    await r.emulator().swipe(chipCard);
    await settle();
    const [s] = r.swipes;
    expect(text(s!.tracks.t1.data)).toBe(T1);
    expect(text(s!.tracks.t2.data)).toBe(T2);
    expect(text(s!.tracks.t3.data)).toBe(T3);
    expect(s!.panMasked).toBe("621234******1234");
    expect(s!.serviceCode).toBe("201");
    expect(s!.expiry).toBe("2512");
    expect(s!.chipCard).toBe(true);
    wipeSwipe(s!);
    expect(s!.tracks.t2.data!.every((b) => b === 0)).toBe(true);
  });

  it("T1 only / T2 only: the other tracks are absent; PAN comes from whichever is good", async () => {
    const r = await serialRig();
    await r.emulator().swipe(chipCard, { tracks: [1] });
    await r.emulator().swipe(stripeOnly, { tracks: [2] });
    await settle();
    expect(r.swipes.map((s) => [s.tracks.t1.status, s.tracks.t2.status, s.tracks.t3.status])).toEqual([
      ["ok", "absent", "absent"],
      ["absent", "ok", "absent"],
    ]);
    expect(r.swipes[0]!.panMasked).toBe("621234******1234");
    expect(r.swipes[1]!.chipCard).toBe(false);
  });

  it("parity error on track 1 and LRC error on track 2 name their tracks", async () => {
    const r = await serialRig();
    await r.emulator().swipe(chipCard, {
      faults: [
        { track: 1, kind: "parity" },
        { track: 2, kind: "lrc" },
      ],
    });
    await settle();
    const [s] = r.swipes;
    expect(s!.tracks.t1).toEqual({ status: "parity-error" });
    expect(s!.tracks.t2).toEqual({ status: "lrc-error" });
    expect(s!.tracks.t3.status).toBe("ok");
    expect(s!.panMasked).toBeUndefined();
  });

  it("partial swipe fails the track; reverse swipe still reads", async () => {
    const r = await serialRig();
    await r.emulator().swipe(chipCard, { faults: [{ track: 2, kind: "partial" }] });
    await r.emulator().swipe(chipCard, { reverse: true });
    await settle();
    expect(r.swipes[0]!.tracks.t2.status).not.toBe("ok");
    expect(r.swipes[1]!.tracks.t2.status).toBe("ok");
    expect(text(r.swipes[1]!.tracks.t2.data)).toBe(T2);
  });

  it("two quick swipes → two Swipe events; a corrupted frame → misread", async () => {
    const r = await serialRig();
    const e = r.emulator();
    void e.swipe(chipCard);
    void e.swipe(stripeOnly);
    await settle();
    expect(r.swipes.length).toBe(2);
    await r.devices[0]!.write(Buffer.from([0x02, 0x3b, 0x31, 0x3f, 0x31, 0x0d, 0x03, 0x00]));
    await settle();
    expect(r.misreads).toEqual(["bad-frame"]);
  });

  it("reopens the port with back-off after it disappears", async () => {
    const r = await serialRig();
    await r.devices[0]!.close();
    await settle();
    r.clock.advance(500);
    await settle();
    expect(r.devices.length).toBe(2);
    await r.emulator().swipe(stripeOnly);
    await settle();
    expect(r.swipes.length).toBe(1);
  });

  it("swipes() iterates until aborted", async () => {
    const r = await serialRig();
    const controller = new AbortController();
    const got: string[] = [];
    const loop = (async () => {
      for await (const s of r.reader.swipes(controller.signal)) got.push(s.panMasked ?? "");
    })();
    await r.emulator().swipe(stripeOnly);
    await settle();
    controller.abort();
    await loop;
    expect(got).toEqual(["621234******1234"]);
  });
});

describe("HidMagStripeReader: keyboard wedge", () => {
  async function wedgeRig(reportIdPrefix = false) {
    const { host, device } = createMemoryHidPair();
    const clock = new ManualClock();
    const reader = new HidMagStripeReader({
      opener: async () => host,
      mode: "keyboard-wedge",
      reportIdPrefix,
      clock,
    });
    open.push(reader);
    const h = collect(reader);
    await reader.open();
    return { ...h, emulator: new HidWedgeEmulator(device, { reportIdPrefix }), clock };
  }

  it("types all tracks with shift for % ^ ? and Enter ends the swipe", async () => {
    const r = await wedgeRig();
    r.emulator.swipe(chipCard);
    await settle(20);
    const [s] = r.swipes;
    expect(text(s!.tracks.t1.data)).toBe(T1);
    expect(text(s!.tracks.t2.data)).toBe(T2);
    expect(text(s!.tracks.t3.data)).toBe(T3);
    expect(s!.chipCard).toBe(true);
  });

  it("a track the reader could not decode arrives as %E? → parity-error; report ID prefix handled", async () => {
    const r = await wedgeRig(true);
    r.emulator.swipe(chipCard, { faults: [{ track: 1, kind: "parity" }], tracks: [1, 2] });
    await settle(20);
    expect(r.swipes[0]!.tracks.t1.status).toBe("parity-error");
    expect(r.swipes[0]!.tracks.t2.status).toBe("ok");
  });

  it("two quick swipes split on Enter; a burst with no Enter times out as a misread", async () => {
    const r = await wedgeRig();
    r.emulator.swipe(stripeOnly);
    r.emulator.swipe(chipCard, { tracks: [2] });
    await settle(20);
    expect(r.swipes.length).toBe(2);
    r.emulator.swipe(stripeOnly, { omitEnter: true });
    await settle(20);
    r.clock.advance(500);
    expect(r.misreads).toEqual(["incomplete"]);
    r.emulator.swipe(stripeOnly);
    await settle(20);
    expect(r.swipes.length).toBe(3);
  });
});

describe("HidMagStripeReader: MagTek vendor report", () => {
  it("decodes statuses and data, sentinels stripped", async () => {
    const { host, device } = createMemoryHidPair();
    const reader = new HidMagStripeReader({ opener: async () => host, mode: "magtek-report" });
    open.push(reader);
    const h = collect(reader);
    await reader.open();
    const emulator = new MagtekHidEmulator(device);
    emulator.swipe(chipCard);
    emulator.swipe(chipCard, {
      faults: [
        { track: 2, kind: "lrc" },
        { track: 3, kind: "parity" },
      ],
    });
    await settle();
    expect(text(h.swipes[0]!.tracks.t2.data)).toBe(T2);
    expect(h.swipes[0]!.tracks.t1.status).toBe("ok");
    expect(h.swipes[1]!.tracks.t2.status).toBe("lrc-error");
    expect(h.swipes[1]!.tracks.t3.status).toBe("parity-error");
    expect(h.swipes[1]!.panMasked).toBe("621234******1234");
  });

  it("an unplugged device ends nothing badly: the reader detaches", async () => {
    const { host, device } = createMemoryHidPair();
    const reader = new HidMagStripeReader({ opener: async () => host, mode: "magtek-report" });
    await reader.open();
    device.unplug();
    await settle();
    expect(host.isOpen).toBe(false);
    await reader.close();
  });
});
