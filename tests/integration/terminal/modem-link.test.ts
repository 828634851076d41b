import { describe, expect, it } from "vitest";
import { SimMissingError } from "../../../drivers/modem/modem-errors.js";
import { AcquirerConnectError } from "../../../firmware/acquirer/acquirer-errors.js";
import type { RigTerminalOptions } from "../../../tools/terminal/rig-terminal.js";
import { type Day, ledger, pay, quick, row, signal, startDay, swipe, until } from "./support/rig-day.js";

/**
 * The acquirer link through the rig's 4G modem, end to end: host.transport "modem", so every byte to the
 * host is AT+QISEND / AT+QIRD on the Quectel emulator, whose QIOPEN really connects to the host
 * simulator (the configured acquirer name mapped to its loopback address, as DNS would on the network).
 */
const ACQUIRER = "acquirer.example.cn";

function overModem(options: RigTerminalOptions = {}, responseTimeoutMs = 1500): RigTerminalOptions {
  return quick(
    {
      ...options,
      settings: (s) => ({ ...s, host: { ...s.host, transport: "modem", host: ACQUIRER } }),
      rig: {
        ...options.rig,
        modem: {
          ...options.rig?.modem,
          resolveHost: (host) => (host === ACQUIRER ? "127.0.0.1" : host),
        },
      },
    },
    responseTimeoutMs,
  );
}

/** The AT commands the terminal sent the modem that start with `prefix`. */
function commands(day: Day, prefix: string): string[] {
  return day.t.rig.modem.received.filter((c) => c.toUpperCase().startsWith(prefix));
}

async function withDay(
  options: RigTerminalOptions,
  signIn: boolean,
  body: (day: Day) => Promise<void>,
): Promise<void> {
  const day = await startDay(options, signIn);
  try {
    await body(day);
  } finally {
    await day.t.stop();
  }
}

describe("acquirer link over the 4G modem (rig end to end)", () => {
  it("signs in and approves a swipe sale through the modem's socket", async () => {
    await withDay(overModem(), true, async (day) => {
      const { t } = day;
      const result = await pay(t, { amount: 1234, card: swipe("cup-magstripe") });
      expect(result.status).toBe("approved");
      expect(row(t, result).status).toBe("approved");
      expect(ledger(t).filter((e) => e.amount === 1234 && e.status === "approved")).toHaveLength(1);

      // The module's own stack carried it: SIM checked, context up, one socket to the acquirer's name.
      expect(commands(day, "AT+CPIN?").length).toBeGreaterThan(0);
      expect(commands(day, "AT+QIACT=1")).toHaveLength(1);
      expect(commands(day, "AT+QIOPEN")).toEqual([
        `AT+QIOPEN=1,0,"TCP","${ACQUIRER}",${t.host.address?.port ?? 0},0,0`,
      ]);
      // Sign-in (0800) and the sale (0200) each left as one QISEND; answers came back by QIRD.
      expect(commands(day, "AT+QISEND").length).toBe(day.wire.length);
      expect(day.wire.map((w) => w.mti)).toEqual(["0800", "0200"]);
      expect(commands(day, "AT+QIRD").length).toBeGreaterThanOrEqual(2);
      expect(t.rig.modem.state).toMatchObject({ pdpActive: true, apn: "CMNET", sockets: [0] });
    });
  });

  it('a PDP drop ("pdpdeact") while the answer is outstanding reverses the sale (98) once the link is back', async () => {
    // A long response timeout: the reversal must come from the PDP drop, not from the timer.
    await withDay(overModem({}, 20_000), true, async (day) => {
      const { t } = day;
      t.host.addBehaviour({ match: { mti: "0200", amount: 2500 }, noAnswer: true, times: 1 });
      const started = Date.now();
      const sale = pay(t, { amount: 2500, card: swipe("cup-credit") });
      // The host has approved and kept quiet; now the network drops the data context.
      await until(() => ledger(t).some((e) => e.amount === 2500), "the sale at the host");
      const activations = commands(day, "AT+QIACT=1").length;
      t.rig.dropPdp();
      const result = await sale;

      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.status).toBe("reversed");
      const record = row(t, result);
      expect(record.status).toBe("reversed");
      const reversal = day.wire.find((w) => w.mti === "0400" && w.fields[11] === record.stan);
      expect(reversal?.fields[39]).toBe("98");
      // The reversal went out on a new context and a new socket.
      expect(commands(day, "AT+QIACT=1").length).toBe(activations + 1);
      expect(commands(day, "AT+QIOPEN")).toHaveLength(2);
      const sale2500 = () => ledger(t).filter((e) => e.amount === 2500 && e.mti === "0200");
      await until(() => sale2500()[0]?.status === "reversed", "the host ledger to show the sale reversed");
      expect(sale2500()).toHaveLength(1);
      expect(ledger(t).find((e) => e.mti === "0400" && e.stan === record.stan)?.matched).toBe(true);

      const next = await pay(t, { amount: 2600, card: swipe("cup-credit") });
      expect(next.status).toBe("approved");
      expect(ledger(t).find((e) => e.amount === 2600)?.status).toBe("approved");
    });
  });

  it("a missing SIM fails sign-in with a typed error naming the SIM; once inserted, sign-in and a sale work", async () => {
    await withDay(
      overModem({ rig: { modem: { faults: [{ kind: "sim-missing" }] } } }),
      false,
      async (day) => {
        const { t } = day;
        // The self-test already says so at boot (not fatal: the terminal can still print and report).
        const modemFaults = (await t.app.selfTest()).filter((f) => f.device === "modem");
        expect(modemFaults).toEqual([
          expect.objectContaining({ fatal: false, message: expect.stringMatching(/SIM/) }),
        ]);
        const error = await t.app.signIn(signal()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AcquirerConnectError);
        expect((error as AcquirerConnectError).sent).toBe(false);
        expect((error as Error).message).toMatch(/SIM not inserted/);
        expect((error as Error).cause).toBeInstanceOf(SimMissingError);
        // Nothing reached the host, nothing approved, no socket and no context were opened.
        expect(commands(day, "AT+QIOPEN")).toHaveLength(0);
        expect(commands(day, "AT+QIACT=1")).toHaveLength(0);
        expect(t.host.ledger().transactions).toHaveLength(0);
        expect(t.app.journal.query().filter((r) => r.status === "approved")).toHaveLength(0);

        t.rig.simInserted();
        // The link backs off after a failed connect (20..100 ms here): sign-in is tried again after it.
        await until(() => t.app.link.backoffRemainingMs === 0, "the link's back-off", 2000);
        await t.app.signIn(signal());
        expect((await t.app.selfTest()).filter((f) => f.device === "modem")).toEqual([]);
        const result = await pay(t, { amount: 700, card: swipe("cup-magstripe") });
        expect(result.status).toBe("approved");
        expect(commands(day, "AT+QIOPEN")).toHaveLength(1);
      },
    );
  });

  it('the host closing the socket between transactions (+QIURC: "closed") → the next sale reconnects and is approved', async () => {
    await withDay(overModem(), true, async (day) => {
      const { t } = day;
      const first = await pay(t, { amount: 1100, card: swipe("cup-magstripe") });
      expect(first.status).toBe("approved");
      expect(t.rig.modem.state.sockets).toEqual([0]);

      // Host restart: every connection it held is closed; the module reports the socket closed.
      const port = t.host.address!.port;
      await t.host.stop();
      await t.host.start({ host: "127.0.0.1", port });
      await until(() => commands(day, "AT+QICLOSE").length === 1, "the terminal to free the closed socket");
      expect(t.rig.modem.state.sockets).toEqual([]);

      const second = await pay(t, { amount: 1200, card: swipe("cup-magstripe") });
      expect(second.status).toBe("approved");
      expect(commands(day, "AT+QIOPEN")).toHaveLength(2);
      // The context survived: only the socket was opened again.
      expect(commands(day, "AT+QIACT=1")).toHaveLength(1);
      expect(ledger(t).find((e) => e.amount === 1200)?.status).toBe("approved");
      expect(t.app.journal.query().filter((r) => r.status === "approved")).toHaveLength(2);
    });
  });

  it("the module rebooting between transactions (RDY) → the next sale re-initialises it and is approved", async () => {
    await withDay(overModem(), true, async (day) => {
      const { t } = day;
      expect((await pay(t, { amount: 1300, card: swipe("cup-magstripe") })).status).toBe("approved");
      t.rig.rebootModem();
      await until(() => !t.app.link.connected, "the link to see its socket gone with the module");

      const next = await pay(t, { amount: 1400, card: swipe("cup-magstripe") });
      expect(next.status).toBe("approved");
      // Echo back on, context and socket gone with the reboot: all set up again.
      expect(commands(day, "ATE0")).toHaveLength(2);
      expect(commands(day, "AT+QIACT=1")).toHaveLength(2);
      expect(commands(day, "AT+QIOPEN")).toHaveLength(2);
      expect(t.rig.modem.state).toMatchObject({ echo: false, pdpActive: true, sockets: [0] });
    });
  });
});
