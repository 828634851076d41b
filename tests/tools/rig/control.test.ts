import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RigNotRunningError, sendRigRequest } from "../../../tools/rig/control-client.js";
import { type ControlServer, startControlServer } from "../../../tools/rig/control-server.js";
import { RigError } from "../../../tools/rig/rig-error.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();
const servers: ControlServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A server whose handler echoes the request, fails on `boom`, and waits on `slow`. */
async function echoServer(dir: string): Promise<ControlServer> {
  const server = await startControlServer(join(dir, "control.sock"), async (request) => {
    if (request.action === "boom") throw new RigError("it broke\nbadly");
    if (request.action === "slow") await new Promise((r) => setTimeout(r, 30));
    return { echo: request.action };
  });
  servers.push(server);
  return server;
}

/** Raw exchange: writes `text`, collects `lines` answer lines. */
function raw(path: string, text: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let got = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(text));
    socket.on("data", (chunk: string) => {
      got += chunk;
      const all = got.split("\n").filter(Boolean);
      if (all.length >= lines) {
        socket.destroy();
        resolve(all);
      }
    });
    socket.on("error", reject);
  });
}

describe("the rig control socket", () => {
  it("is owner-only, answers JSON lines in order, one line per error", async () => {
    const dir = tempDir();
    const server = await echoServer(dir);
    expect(lstatSync(server.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["control.sock"]);
    const answers = await raw(
      server.path,
      '{"action":"slow"}\n{"action":"boom"}\nnot json\n[1]\n\n{"action":"fast"}\n',
      5,
    );
    expect(answers.map((line) => JSON.parse(line))).toEqual([
      { ok: true, echo: "slow" },
      { ok: false, error: "it broke badly" },
      { ok: false, error: expect.stringMatching(/^request is not JSON: /) },
      { ok: false, error: "a request is a JSON object with an action" },
      { ok: true, echo: "fast" },
    ]);
  });

  it("a request split across writes is one request", async () => {
    const server = await echoServer(tempDir());
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(server.path, () => {
        socket.write('{"act');
        setTimeout(() => socket.write('ion":"split"}\n'), 10);
      });
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        socket.destroy();
        resolve(chunk);
      });
    });
    expect(JSON.parse(answer)).toEqual({ ok: true, echo: "split" });
  });

  it("the client gets the answer; close() removes the socket and is idempotent", async () => {
    const dir = tempDir();
    const server = await echoServer(dir);
    expect(await sendRigRequest(dir, { action: "hello" })).toEqual({ ok: true, echo: "hello" });
    await Promise.all([server.close(), server.close()]);
    expect(existsSync(server.path)).toBe(false);
    await expect(sendRigRequest(dir, { action: "hello" })).rejects.toBeInstanceOf(RigNotRunningError);
  });

  it("no socket, or a dead one: RigNotRunningError with one clear line", async () => {
    const dir = tempDir();
    const error = await sendRigRequest(dir, { action: "status" }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RigNotRunningError);
    expect((error as Error).message).toBe(
      `no rig running in ${dir} (start one with: posctl rig start --dir ${dir})`,
    );
    await expect(sendRigRequest(join(dir, "missing"), { action: "status" })).rejects.toBeInstanceOf(
      RigNotRunningError,
    );
  });

  it("a client waiting too long gives up with a RigError", async () => {
    const dir = tempDir();
    await echoServer(dir);
    await expect(sendRigRequest(dir, { action: "slow" }, { timeoutMs: 5 })).rejects.toThrow(
      `the rig in ${dir} did not answer`,
    );
  });

  it("replaces a stale socket, refuses a live one and a file that is not a socket", async () => {
    const dir = tempDir();
    const first = await echoServer(dir);
    await expect(startControlServer(first.path, async () => undefined)).rejects.toThrow(
      `a rig is already running in ${dir}`,
    );
    // A stale socket (its rig died): bound elsewhere, renamed into place, then the server goes away.
    const stale = tempDir();
    const staleServer = createServer();
    await new Promise<void>((resolve) => staleServer.listen(join(stale, "s"), resolve));
    renameSync(join(stale, "s"), join(stale, "control.sock"));
    await new Promise((resolve) => staleServer.close(resolve));
    expect(lstatSync(join(stale, "control.sock")).isSocket()).toBe(true);
    const revived = await echoServer(stale);
    expect(await sendRigRequest(stale, { action: "again" })).toEqual({ ok: true, echo: "again" });
    expect(revived.path).toBe(join(stale, "control.sock"));
    const other = tempDir();
    writeFileSync(join(other, "control.sock"), "x");
    await expect(startControlServer(join(other, "control.sock"), async () => undefined)).rejects.toThrow(
      "exists and is not a socket",
    );
  });

  it("refuses a directory too long for a Unix socket path, leaving nothing behind", async () => {
    const dir = join(tempDir(), "d".repeat(100));
    mkdirSync(dir);
    await expect(startControlServer(join(dir, "control.sock"), async () => undefined)).rejects.toThrow(
      "control socket path too long",
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
