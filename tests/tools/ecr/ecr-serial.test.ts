import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { openSerialLink } from "../../../drivers/link/serial-link.js";
import { TerminalAppEcr } from "../../../firmware/app/ecr-terminal.js";
import { EcrServer } from "../../../firmware/ecr/index.js";
import {
  ACK,
  createEcrSerialDecoder,
  decodeEcrMessage,
  ECR_PROTOCOL_VERSION,
  encodeEcrMessage,
  encodeEcrSerialFrame,
  NAK,
} from "../../../protocol/ecr/index.js";
import { openPtyPair, type PtyPair, ptyTarget } from "../../../tools/rig/pty-pair.js";
import { RigTerminal } from "../../../tools/terminal/rig-terminal.js";
import { posctl, resetExitCode } from "../../support/posctl.js";

resetExitCode();

let t: RigTerminal;
let server: EcrServer | undefined;
let pty: PtyPair | undefined;
const links: ByteLink[] = [];

beforeAll(async () => {
  t = await RigTerminal.start();
  await t.app.selfTest();
  await t.app.signIn(AbortSignal.timeout(10_000));
});

afterAll(async () => {
  await t?.stop();
});

afterEach(async () => {
  for (const link of links.splice(0)) await link.close();
  await server?.close();
  server = undefined;
  await pty?.stop();
  pty = undefined;
});

/** socat pty pair: the terminal's ECR server on one end, the register (raw bytes or posctl) on the other. */
async function serialServer() {
  const base = join(tmpdir(), `pos-ecr-${process.pid}-${Math.random().toString(36).slice(2)}`);
  pty = await openPtyPair(`${base}-terminal`, `${base}-register`);
  const hostPath = pty.hostPath;
  server = new EcrServer({
    terminal: new TerminalAppEcr(t.app),
    serial: { open: () => openSerialLink({ path: hostPath, baudRate: 115200 }), ackTimeoutMs: 2000 },
  });
  await server.start();
  return pty.devicePath;
}

/** The register's end as raw bytes: everything received, in order. */
async function rawRegister(path: string) {
  const link = await openSerialLink({ path, baudRate: 115200 });
  links.push(link);
  const received: number[] = [];
  link.onData((chunk) => received.push(...chunk));
  const waitFor = async (count: number) => {
    for (let i = 0; i < 300 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return Buffer.from(received.splice(0, count));
  };
  return { link, received, waitFor };
}

const loginFrame = () =>
  encodeEcrSerialFrame(
    encodeEcrMessage({
      type: "Request",
      category: "Login",
      header: {
        ProtocolVersion: ECR_PROTOCOL_VERSION,
        MessageClass: "Service",
        ServiceID: "1",
        SaleID: "REG-S",
        POIID: "X",
      },
      body: {
        DateTime: "2024-05-01T10:00:00+08:00",
        SaleSoftware: { ManufacturerID: "test", ApplicationName: "raw", SoftwareVersion: "1" },
      },
    }),
  );

describe("ECR over a pseudo-terminal (socat)", () => {
  it("NAKs a frame with a bad LRC, takes its resend, and resends its own answer after the register's NAK", async () => {
    const path = await serialServer();
    const register = await rawRegister(path);
    const good = loginFrame();
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 0xff;
    await register.link.write(bad);
    expect([...(await register.waitFor(1))]).toEqual([NAK]);
    await register.link.write(good);
    expect([...(await register.waitFor(1))]).toEqual([ACK]);
    // The LoginResponse frame: decode it, NAK it, and the terminal sends the same bytes again.
    const decoder = createEcrSerialDecoder();
    const frames: Buffer[] = [];
    let first: Buffer | undefined;
    for (let i = 0; i < 300 && frames.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const chunk = Buffer.from(register.received.splice(0));
      first = first ? Buffer.concat([first, chunk]) : chunk;
      for (const e of decoder.push(chunk)) if (e.type === "frame") frames.push(e.data);
    }
    const response = decodeEcrMessage(frames[0]!);
    expect(response).toMatchObject({
      type: "Response",
      category: "Login",
      body: { Response: { Result: "Success" } },
    });
    await register.link.write(Buffer.of(NAK));
    const again = await register.waitFor(first!.length);
    expect(again.equals(first!)).toBe(true);
    await register.link.write(Buffer.of(ACK));
    expect(server!.serialStats).toMatchObject({
      naksSent: 1,
      naksReceived: 1,
      resends: 1,
      framesReceived: 1,
    });
  });

  it("posctl ecr pay --port: a whole sale over the serial link, then status", async () => {
    const path = await serialServer();
    expect(ptyTarget(path)).toMatch(/^\/dev\/pts\/\d+$/);
    const paying = posctl("ecr", "pay", "--amount", "12.34", "--order", "SERIAL-1", "--port", path, "--json");
    for (let i = 0; i < 300 && server!.transactionStage !== "waiting-card"; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.rig.swipe("cup-magstripe");
    const { stdout, stderr, exitCode } = await paying;
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.Response.Result).toBe("Success");
    expect(answer.PaymentResult.AmountsResp).toEqual({ Currency: "CNY", AuthorizedAmount: "12.34" });
    expect(answer.PaymentResult.PaymentInstrumentData.CardData.MaskedPAN).toMatch(/^\d{6}\*+\d{4}$/);

    const status = await posctl("ecr", "status", "--transaction", "SERIAL-1", "--port", path);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/^result {7}Success/);
    expect(status.stdout).toContain("order        SERIAL-1");
    expect(status.stdout).toMatch(/auth code {4}\d{6}/);
    expect(status.stdout).toContain("--- CashierReceipt ---");
  });
});

describe("posctl ecr: bad input", () => {
  it.each([
    [["pay", "--amount", "12.345", "--tcp", "127.0.0.1:1"], /--amount must be yuan with at most 2 decimals/],
    [["pay", "--amount", "1"], /exactly one of --port PATH, --tcp HOST:PORT, --ws URL/],
    [["pay", "--tcp", "127.0.0.1:1"], /missing --amount/],
    [["pay", "--amount", "1", "--tcp", "nohost"], /--tcp must be HOST:PORT/],
    [
      ["reverse", "--transaction", "42", "--tcp", "127.0.0.1:1"],
      /--transaction must be the terminal's BATCH-STAN/,
    ],
    [["refund", "--amount", "1.00", "--tcp", "127.0.0.1:1"], /missing --transaction/],
  ])("posctl ecr %j → exit 2 and one line", async (args, message) => {
    const { exitCode, stderr, stdout } = await posctl("ecr", ...args);
    expect(exitCode).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
