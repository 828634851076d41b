import { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  AcquirerAbortedError,
  AcquirerClosedError,
  AcquirerConnectError,
  AcquirerDisconnectedError,
  type AcquirerEvent,
  AcquirerFrameError,
  AcquirerLink,
  type AcquirerLinkOptions,
  AcquirerTimeoutError,
  type Connector,
  tcpConnector,
} from "../../../firmware/acquirer/index.js";
import { MESSAGE_OFFSET } from "../../../protocol/iso8583/cup/frame.js";
import { cupSpec } from "../../../protocol/iso8583/cup/spec.js";
import { Iso8583Error } from "../../../protocol/iso8583/errors.js";
import { pack } from "../../../protocol/iso8583/message.js";
import { ManualClock } from "../../support/manual-clock.js";
import {
  closedPort,
  delay,
  HEADER,
  type LoopbackHost,
  TERMINAL_ID,
  TPDU,
  useLoopbackHosts,
} from "./loopback-host.js";

const hosts = useLoopbackHosts();
const links: AcquirerLink[] = [];

function sale(stan: string, terminalId = TERMINAL_ID): Buffer {
  return pack(cupSpec, {
    mti: "0200",
    fields: { 3: "000000", 4: "000000000100", 11: stan, 41: terminalId, 42: "123456789012345", 49: "156" },
  });
}

const expectSale = (stan: string) => ({ mti: "0210", stan, terminalId: TERMINAL_ID });

function linkTo(host: LoopbackHost, extra: Partial<AcquirerLinkOptions> = {}) {
  const events: AcquirerEvent[] = [];
  const link = new AcquirerLink({
    connect: tcpConnector({ host: "127.0.0.1", port: host.port }),
    tpdu: TPDU,
    header: HEADER,
    connectTimeoutMs: 1000,
    responseTimeoutMs: 1000,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  links.push(link);
  return { link, events, unmatched: () => events.filter((e) => e.kind === "unmatched") };
}
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the exchange to fail");
}

describe("AcquirerLink: framing and matching", () => {
  it("frames with TPDU + header, resolves with the matching response and its header digit", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req, { header: { processingRequirement: 3 } }));
    const { link } = linkTo(host);
    const reply = await link.exchange(sale("000001"), expectSale("000001"));
    expect(reply.message.mti).toBe("0210");
    expect(reply.message.fields[11]).toBe("000001");
    expect(reply.message.fields[39]).toBe("00");
    expect(reply.header.processingRequirement).toBe(3);
    expect(reply.tpdu).toEqual({ destination: "0000", source: "0003" });
    expect(reply.body.equals(reply.raw.subarray(MESSAGE_OFFSET))).toBe(true);
    expect(reply.raw.readUInt16BE(0)).toBe(reply.raw.length - 2);
    const seen = host.requests[0]!;
    expect(seen.frame.tpdu).toEqual(TPDU);
    expect(seen.frame.header).toEqual(HEADER);
    expect(seen.message.fields[11]).toBe("000001");
  });

  it("skips responses with the wrong STAN, terminal ID or MTI and reports them as unmatched", async () => {
    const host = await hosts.tcp((req, h) => {
      h.reply(req, { fields: { 11: "000999" } });
      h.reply(req, { fields: { 41: "87654321" } });
      h.reply(req, { mti: "0110" });
      h.reply(req, { fields: { 39: "51" } });
    });
    const { link, unmatched } = linkTo(host);
    const reply = await link.exchange(sale("000002"), expectSale("000002"));
    expect(reply.message.fields[39]).toBe("51");
    expect(
      unmatched().map((e) => (e.kind === "unmatched" ? e.message.mti + e.message.fields[11] : "")),
    ).toEqual(["0210000999", "0210000002", "0110000002"]);
  });

  it("keeps one connection for consecutive exchanges by default", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const { link } = linkTo(host);
    for (const stan of ["000011", "000012", "000013"]) {
      expect((await link.exchange(sale(stan), expectSale(stan))).message.fields[11]).toBe(stan);
    }
    expect(host.sockets).toHaveLength(1);
    expect(link.connected).toBe(true);
  });
});

describe("AcquirerLink: one request in flight", () => {
  it("serializes concurrent exchanges: the host never sees the second before answering the first", async () => {
    const host = await hosts.tcp((req, h) => {
      // Answer late, so a second request written early would show up before the first reply.
      setTimeout(() => h.reply(req), 40);
    });
    const { link } = linkTo(host);
    const stans = ["000021", "000022", "000023"];
    const replies = await Promise.all(stans.map((s) => link.exchange(sale(s), expectSale(s))));
    expect(replies.map((r) => r.message.fields[11])).toEqual(stans);
    expect(host.log).toEqual([
      "open 0",
      "recv 000021",
      "reply 000021",
      "recv 000022",
      "reply 000022",
      "recv 000023",
      "reply 000023",
    ]);
  });

  it("an exchange aborted while queued never reaches the host; the others keep their order", async () => {
    const host = await hosts.tcp((req, h) => setTimeout(() => h.reply(req), 20));
    const { link } = linkTo(host);
    const abort = new AbortController();
    const a = link.exchange(sale("000031"), expectSale("000031"));
    const b = link.exchange(sale("000032"), expectSale("000032"), abort.signal);
    const c = link.exchange(sale("000033"), expectSale("000033"));
    abort.abort();
    const error = await failure(b);
    expect(error).toBeInstanceOf(AcquirerAbortedError);
    expect((error as AcquirerAbortedError).sent).toBe(false);
    await Promise.all([a, c]);
    expect(host.requests.map((r) => r.message.fields[11])).toEqual(["000031", "000033"]);
  });
});

describe("AcquirerLink: late, duplicate and stray responses", () => {
  it("a reply that arrives after the timeout is never given to the next request", async () => {
    let held: (() => void) | undefined;
    const host = await hosts.tcp((req, h) => {
      if (req.message.fields[11] === "000041") {
        held = () => h.reply(req); // A: answer only later
        return;
      }
      held?.(); // A's late approval arrives while B waits…
      setTimeout(() => h.reply(req), 30); // …then B's own answer
    });
    const { link, events, unmatched } = linkTo(host, { responseTimeoutMs: 60 });
    const a = await failure(link.exchange(sale("000041"), expectSale("000041")));
    expect(a).toBeInstanceOf(AcquirerTimeoutError);
    expect((a as AcquirerTimeoutError).sent).toBe(true);
    expect(events.some((e) => e.kind === "timeout" && e.stan === "000041")).toBe(true);
    const b = await link.exchange(sale("000042"), expectSale("000042"));
    expect(b.message.fields[11]).toBe("000042");
    const late = unmatched();
    expect(late).toHaveLength(1);
    expect(late[0]!.kind === "unmatched" && late[0]!.message.fields[11]).toBe("000041");
    expect(late[0]!.kind === "unmatched" && late[0]!.message.fields[39]).toBe("00");
  });

  it("when only the late reply comes, the next request times out instead of taking it", async () => {
    let held: (() => void) | undefined;
    const host = await hosts.tcp((req, h) => {
      if (req.message.fields[11] === "000051") held = () => h.reply(req);
      else held?.();
    });
    const { link, unmatched } = linkTo(host, { responseTimeoutMs: 50 });
    await expect(link.exchange(sale("000051"), expectSale("000051"))).rejects.toBeInstanceOf(
      AcquirerTimeoutError,
    );
    await expect(link.exchange(sale("000052"), expectSale("000052"))).rejects.toBeInstanceOf(
      AcquirerTimeoutError,
    );
    expect(unmatched()).toHaveLength(1);
  });

  it("a duplicate reply is reported as unmatched and does not answer the next request", async () => {
    let first = true;
    const host = await hosts.tcp((req, h) => {
      h.reply(req);
      if (first) h.reply(req); // the duplicate
      first = false;
    });
    const { link, unmatched } = linkTo(host);
    expect((await link.exchange(sale("000061"), expectSale("000061"))).message.fields[11]).toBe("000061");
    expect((await link.exchange(sale("000062"), expectSale("000062"))).message.fields[11]).toBe("000062");
    const dup = unmatched();
    expect(dup).toHaveLength(1);
    expect(dup[0]!.kind === "unmatched" && dup[0]!.message.fields[11]).toBe("000061");
  });

  it("a reply after the caller aborted a sent request is reported as unmatched", async () => {
    const host = await hosts.tcp((req, h) => setTimeout(() => h.reply(req), 40));
    const { link, unmatched } = linkTo(host);
    const abort = new AbortController();
    const pending = link.exchange(sale("000071"), expectSale("000071"), abort.signal);
    await delay(10);
    abort.abort();
    const error = await failure(pending);
    expect(error).toBeInstanceOf(AcquirerAbortedError);
    expect((error as AcquirerAbortedError).sent).toBe(true);
    await delay(60);
    expect(unmatched()).toHaveLength(1);
  });
});

describe("AcquirerLink: connection faults", () => {
  it("the host dropping the connection mid-request fails with sent: true; the next exchange reconnects", async () => {
    const host = await hosts.tcp((req, h) => {
      if (req.connection === 0) req.socket.destroy();
      else h.reply(req);
    });
    const { link, events } = linkTo(host);
    const error = await failure(link.exchange(sale("000081"), expectSale("000081")));
    expect(error).toBeInstanceOf(AcquirerDisconnectedError);
    expect((error as AcquirerDisconnectedError).sent).toBe(true);
    expect(events.some((e) => e.kind === "disconnected" && e.byHost)).toBe(true);
    // A drop after a good connect imposes no backoff.
    expect(link.backoffRemainingMs).toBe(0);
    expect((await link.exchange(sale("000082"), expectSale("000082"))).message.fields[11]).toBe("000082");
    expect(host.sockets).toHaveLength(2);
  });

  it("a half-close (FIN) from the host while waiting is a disconnect too", async () => {
    const host = await hosts.tcp((req) => req.socket.end());
    const { link } = linkTo(host);
    const error = await failure(link.exchange(sale("000083"), expectSale("000083")));
    expect(error).toBeInstanceOf(AcquirerDisconnectedError);
    expect((error as AcquirerDisconnectedError).sent).toBe(true);
  });

  it("garbage from the host fails the exchange with the offset and drops the connection", async () => {
    const host = await hosts.tcp((req) => req.socket.write(Buffer.from("000561000000000000", "hex")));
    const { link, events } = linkTo(host);
    const error = await failure(link.exchange(sale("000091"), expectSale("000091")));
    expect(error).toBeInstanceOf(AcquirerFrameError);
    const frameError = error as AcquirerFrameError;
    expect(frameError.sent).toBe(true);
    expect(frameError.offset).toBe(2);
    expect(frameError.path).toBe("tpdu.id");
    expect(frameError.message).toContain("offset 2");
    expect(events.some((e) => e.kind === "frame-error")).toBe(true);
    expect(link.connected).toBe(false);
    await delay(20);
    expect(host.log).toContain("close 0");
  });

  it("a zero length prefix after a good frame names the stream offset where it sits", async () => {
    const host = await hosts.tcp((req, h) => {
      h.reply(req, { fields: { 11: "000000" } });
      req.socket.write(Buffer.from([0, 0]));
    });
    const { link, unmatched } = linkTo(host);
    const error = (await failure(link.exchange(sale("000092"), expectSale("000092")))) as AcquirerFrameError;
    expect(error).toBeInstanceOf(AcquirerFrameError);
    expect(unmatched()).toHaveLength(1);
    const good = unmatched()[0]!;
    expect(error.offset).toBe(good.kind === "unmatched" ? good.raw.length : -1);
    expect(error.path).toBe("length prefix");
  });

  it("connection refused fails with sent: false and starts the backoff", async () => {
    const port = await closedPort();
    const clock = new ManualClock();
    const events: AcquirerEvent[] = [];
    const link = new AcquirerLink({
      connect: tcpConnector({ host: "127.0.0.1", port }),
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 1000,
      backoff: { initialMs: 500, maxMs: 4000 },
      clock,
      onEvent: (e) => events.push(e),
    });
    links.push(link);
    const error = await failure(link.exchange(sale("000101"), expectSale("000101")));
    expect(error).toBeInstanceOf(AcquirerConnectError);
    expect((error as AcquirerConnectError).sent).toBe(false);
    expect((error as AcquirerConnectError).message).toMatch(/ECONNREFUSED/);
    expect(events.find((e) => e.kind === "connect-failed")).toMatchObject({ retryInMs: 500 });
    expect(link.backoffRemainingMs).toBe(500);
  });
});

/** A connector that counts calls and fails (or succeeds with a stream) on demand. */
function scriptedConnector(outcomes: ("fail" | "hang" | Duplex)[]) {
  const calls: { signal: AbortSignal | undefined }[] = [];
  const connect: Connector = (signal) => {
    calls.push({ signal });
    const outcome = outcomes.shift() ?? "fail";
    if (outcome === "fail") return Promise.reject(new Error("ECONNREFUSED (scripted)"));
    if (outcome === "hang") return new Promise(() => {});
    return Promise.resolve(outcome);
  };
  return { connect, calls };
}

function idleStream(): Duplex {
  return new Duplex({ read() {}, write: (_c, _e, cb) => cb() });
}

describe("AcquirerLink: backoff (fake clock)", () => {
  function backoffLink(connect: Connector, clock: ManualClock, events: AcquirerEvent[] = []) {
    const link = new AcquirerLink({
      connect,
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 300,
      responseTimeoutMs: 1000,
      backoff: { initialMs: 100, maxMs: 350, factor: 2 },
      clock,
      onEvent: (e) => events.push(e),
    });
    links.push(link);
    return link;
  }

  it("waits initial → ×factor → max between failed attempts and fails fast in between", async () => {
    const clock = new ManualClock();
    const { connect, calls } = scriptedConnector([]);
    const events: AcquirerEvent[] = [];
    const link = backoffLink(connect, clock, events);
    const attempt = () => failure(link.exchange(sale("000111"), expectSale("000111")));
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const error = (await attempt()) as AcquirerConnectError;
      expect(error.retryInMs).toBeUndefined();
      waits.push(link.backoffRemainingMs);
      // During the wait: no connect attempt, a fast typed failure saying how long.
      clock.advance(waits[i]! - 1);
      const early = (await attempt()) as AcquirerConnectError;
      expect(early).toBeInstanceOf(AcquirerConnectError);
      expect(early.sent).toBe(false);
      expect(early.retryInMs).toBe(1);
      expect(calls).toHaveLength(i + 1);
      clock.advance(1);
    }
    expect(waits).toEqual([100, 200, 350, 350, 350]);
    expect(
      events.filter((e) => e.kind === "connecting").map((e) => e.kind === "connecting" && e.attempt),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it("a successful connect resets the backoff", async () => {
    const clock = new ManualClock();
    const { connect } = scriptedConnector(["fail", "fail", idleStream(), "fail"]);
    const link = backoffLink(connect, clock);
    await failure(link.exchange(sale("000121"), expectSale("000121")));
    clock.advance(100);
    await failure(link.exchange(sale("000122"), expectSale("000122")));
    expect(link.backoffRemainingMs).toBe(200);
    clock.advance(200);
    const pending = link.exchange(sale("000123"), expectSale("000123"));
    await delay(5);
    expect(link.connected).toBe(true);
    expect(link.backoffRemainingMs).toBe(0);
    clock.advance(1000); // response timeout on the idle stream
    await expect(pending).rejects.toBeInstanceOf(AcquirerTimeoutError);
  });

  it("a connect that hangs times out after connectTimeoutMs (sent: false) and aborts the connector", async () => {
    const clock = new ManualClock();
    const { connect, calls } = scriptedConnector(["hang"]);
    const link = backoffLink(connect, clock);
    const pending = failure(link.exchange(sale("000131"), expectSale("000131")));
    await delay(1);
    clock.advance(300);
    const error = (await pending) as AcquirerConnectError;
    expect(error).toBeInstanceOf(AcquirerConnectError);
    expect(error.message).toContain("timed out after 300 ms");
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(link.backoffRemainingMs).toBe(100);
  });

  it("a stream that arrives after the connect timeout is destroyed", async () => {
    const clock = new ManualClock();
    const late = idleStream();
    let deliver: ((s: Duplex) => void) | undefined;
    const link = backoffLink(() => new Promise((resolve) => (deliver = resolve)), clock);
    const pending = failure(link.exchange(sale("000132"), expectSale("000132")));
    await delay(1);
    clock.advance(300);
    expect(await pending).toBeInstanceOf(AcquirerConnectError);
    deliver!(late);
    await delay(1);
    expect(late.destroyed).toBe(true);
  });
});

describe("AcquirerLink: short connections and close()", () => {
  it("keepAlive: false opens and closes a connection per exchange", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const { link, events } = linkTo(host, { keepAlive: false });
    await link.exchange(sale("000141"), expectSale("000141"));
    expect(link.connected).toBe(false);
    await link.exchange(sale("000142"), expectSale("000142"));
    await delay(20);
    expect(host.requests.map((r) => r.connection)).toEqual([0, 1]);
    // The terminal closed each one itself (the host sees the close a moment later).
    expect(
      events.filter((e) => e.kind === "disconnected").map((e) => e.kind === "disconnected" && e.byHost),
    ).toEqual([false, false]);
    expect(host.log).toEqual(expect.arrayContaining(["close 0", "close 1"]));
  });

  it("close() fails the running (sent: true) and queued (sent: false) exchanges and is idempotent", async () => {
    const host = await hosts.tcp(() => {});
    const { link } = linkTo(host);
    const running = failure(link.exchange(sale("000151"), expectSale("000151")));
    const queued = failure(link.exchange(sale("000152"), expectSale("000152")));
    await delay(20);
    expect(host.requests).toHaveLength(1);
    const closing = link.close();
    expect(link.close()).toBe(closing);
    const [a, b] = (await Promise.all([running, queued])) as AcquirerClosedError[];
    expect(a).toBeInstanceOf(AcquirerClosedError);
    expect(a!.sent).toBe(true);
    expect(b).toBeInstanceOf(AcquirerClosedError);
    expect(b!.sent).toBe(false);
    await closing;
    await expect(link.exchange(sale("000153"), expectSale("000153"))).rejects.toBeInstanceOf(
      AcquirerClosedError,
    );
    await delay(20);
    expect(host.log).toContain("close 0");
  });

  it("close() while connecting ends the attempt without counting it as a failure", async () => {
    const clock = new ManualClock();
    const { connect, calls } = scriptedConnector(["hang"]);
    const link = new AcquirerLink({
      connect,
      tpdu: TPDU,
      header: HEADER,
      connectTimeoutMs: 300,
      responseTimeoutMs: 300,
      clock,
    });
    const pending = failure(link.exchange(sale("000161"), expectSale("000161")));
    await delay(1);
    await link.close();
    expect(await pending).toBeInstanceOf(AcquirerClosedError);
    expect(calls[0]!.signal?.aborted).toBe(true);
    expect(link.backoffRemainingMs).toBe(0);
  });

  it("a message too long to frame fails before any connection is opened", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const { link } = linkTo(host);
    await expect(link.exchange(Buffer.alloc(70_000), expectSale("000181"))).rejects.toBeInstanceOf(
      Iso8583Error,
    );
    expect(link.connected).toBe(false);
    expect((await link.exchange(sale("000182"), expectSale("000182"))).message.fields[11]).toBe("000182");
  });

  it("a connector that hands over an already destroyed stream is replaced on the next exchange", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const real = tcpConnector({ host: "127.0.0.1", port: host.port });
    let first = true;
    const { link } = linkTo(host, {
      connect: async (signal) => {
        if (!first) return real(signal);
        first = false;
        const dead = idleStream();
        dead.destroy();
        return dead;
      },
    });
    const error = await failure(link.exchange(sale("000183"), expectSale("000183")));
    expect(error).toBeInstanceOf(AcquirerDisconnectedError);
    expect((error as AcquirerDisconnectedError).sent).toBe(false);
    expect((await link.exchange(sale("000184"), expectSale("000184"))).message.fields[11]).toBe("000184");
  });

  it("a failing onEvent observer does not break the link", async () => {
    const host = await hosts.tcp((req, h) => h.reply(req));
    const { link } = linkTo(host, {
      onEvent: () => {
        throw new Error("observer bug");
      },
    });
    expect((await link.exchange(sale("000171"), expectSale("000171"))).message.fields[39]).toBe("00");
  });
});
