import { EventEmitter } from "node:events";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { registerHost, runHost, startHost } from "../../../tools/posctl/commands/host.js";
import { CupClient } from "../../support/cup-client.js";
import { useTempDirs } from "../../support/temp-dir.js";
import { CARDS, request } from "./harness.js";

const tempDir = useTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function stdoutCapture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk) => {
    text += String(chunk);
  });
  return { stream, text: () => text };
}

describe("posctl host start", () => {
  it("prints `listening 127.0.0.1:PORT` first, serves, and on SIGTERM stops and writes the ledger", async () => {
    const dir = tempDir();
    const ledger = join(dir, "ledger.json");
    const log = join(dir, "tx.log");
    const out = stdoutCapture();
    const signals = new EventEmitter();
    const done = runHost(
      { listen: "127.0.0.1:0", tmk: "0123456789ABCDEFFEDCBA9876543210", ledger, log },
      { stdout: out.stream, signals },
    );
    while (!out.text().includes("\n")) await new Promise((r) => setTimeout(r, 5));
    const first = out.text().split("\n")[0]!;
    expect(first).toMatch(/^listening 127\.0\.0\.1:\d+$/);
    const port = Number(first.split(":")[1]);
    expect(port).toBeGreaterThan(0);
    const client = await CupClient.connect({
      host: "127.0.0.1",
      port,
      tmk: Buffer.from("0123456789ABCDEFFEDCBA9876543210", "hex"),
    });
    cleanups.push(() => client.close());
    expect((await client.signIn()).message.fields[39]).toBe("00");
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 42 })))?.message.fields[39],
    ).toBe("00");
    signals.emit("SIGTERM");
    await done;
    expect(await client.waitClosed()).toBe(true);
    const written = JSON.parse(readFileSync(ledger, "utf8"));
    expect(written.transactions).toMatchObject([{ transaction: "sale", amount: 42, approved: true }]);
    expect(readFileSync(log, "utf8")).toContain("0200->0210 sale");
    expect(signals.listenerCount("SIGINT")).toBe(0);
  });

  it("with --log - the transaction log follows the listening line on stdout, never before it", async () => {
    const out = stdoutCapture();
    const running = await startHost({ listen: "127.0.0.1:0", log: "-" }, out.stream);
    cleanups.push(() => running.shutdown());
    const client = await CupClient.connect({
      host: "127.0.0.1",
      port: running.address.port,
      tmk: Buffer.from("CA5D92598DCA48CE8A4C76361A9269E9", "hex"),
    });
    cleanups.push(() => client.close());
    await client.signIn();
    while (!out.text().includes("0800")) await new Promise((r) => setTimeout(r, 5));
    const lines = out.text().split("\n");
    expect(lines[0]).toBe(`listening 127.0.0.1:${running.address.port}`);
    expect(lines.slice(1).join("\n")).toContain("0800");
  });

  it("reads a config file (cards, scenario, listen) with flags overriding it", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "cards.json"),
      JSON.stringify([{ pan: CARDS.credit.pan, pin: CARDS.credit.pin, balance: 500 }]),
    );
    writeFileSync(
      join(dir, "host.json"),
      JSON.stringify({
        listen: "127.0.0.1:0",
        cardsFile: "cards.json",
        behaviours: [{ match: { amount: 13 }, respondWith: "91" }],
      }),
    );
    const out = stdoutCapture();
    const running = await startHost({ config: join(dir, "host.json") }, out.stream);
    cleanups.push(() => running.shutdown());
    expect(out.text()).toBe(`listening 127.0.0.1:${running.address.port}\n`);
    const client = await CupClient.connect(running.address);
    cleanups.push(() => client.close());
    await client.signIn();
    expect(
      (await client.request(request(client, "sale", CARDS.debit, { amount: 1 })))?.message.fields[39],
    ).toBe("14");
    expect(
      (await client.request(request(client, "sale", CARDS.credit, { amount: 13 })))?.message.fields[39],
    ).toBe("91");
    expect(
      (await client.request(request(client, "sale", CARDS.credit, { amount: 501 })))?.message.fields[39],
    ).toBe("51");
  });

  it("TLS with a generated test CA (--tls-dir) writes ca.pem for clients", async () => {
    const dir = tempDir();
    const out = stdoutCapture();
    const running = await startHost({ tlsDir: dir }, out.stream);
    cleanups.push(() => running.shutdown());
    expect(existsSync(join(dir, "ca.pem"))).toBe(true);
    const client = await CupClient.connect({
      ...running.address,
      tls: { ca: readFileSync(join(dir, "ca.pem")), servername: "localhost" },
    });
    cleanups.push(() => client.close());
    expect((await client.signIn()).message.fields[39]).toBe("00");
  });

  it("bad input ends with exit status 2 and one line naming the setting", async () => {
    const out = stdoutCapture();
    await expect(startHost({ tmk: "1234" }, out.stream)).rejects.toThrow(/--tmk/);
    await expect(startHost({ listen: "localhost" }, out.stream)).rejects.toThrow(
      /--listen must be HOST:PORT/,
    );
    const program = new Command().exitOverride();
    registerHost(program);
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      await program.parseAsync(["host", "start", "--listen", "nope"], { from: "user" });
    } finally {
      process.stderr.write = write;
    }
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
    expect(errors).toEqual([expect.stringMatching(/^posctl: --listen must be HOST:PORT.*\n$/)]);
    expect(out.text()).toBe("");
  });
});
