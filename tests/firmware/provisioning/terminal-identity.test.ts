import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, exampleSettingsInput } from "../../../firmware/config/index.js";
import {
  ProvisioningError,
  parseHostAddress,
  setTerminalIdentity,
} from "../../../firmware/provisioning/index.js";
import { posctl, resetExitCode } from "../../support/posctl.js";
import { useTempDirs } from "../../support/temp-dir.js";

const tempDir = useTempDirs();

function configFile(): string {
  const path = join(tempDir(), "terminal.json");
  writeFileSync(path, JSON.stringify(exampleSettingsInput(), null, 2));
  return path;
}

describe("setTerminalIdentity", () => {
  it("sets IDs and host, keeps the other settings", () => {
    const path = configFile();
    const before = JSON.parse(readFileSync(path, "utf8"));
    setTerminalIdentity(path, {
      terminalId: "ABCD1234",
      merchantId: "898340148161234",
      host: "10.1.2.3:5000",
    });
    const after = JSON.parse(readFileSync(path, "utf8"));
    expect(after.terminal).toMatchObject({ terminalId: "ABCD1234", merchantId: "898340148161234" });
    expect(after.host).toMatchObject({ host: "10.1.2.3", port: 5000 });
    expect(after.devices).toEqual(before.devices);
    expect(after.receipts).toEqual(before.receipts);
  });

  it("refuses an invalid value naming the setting, and leaves the file untouched", () => {
    const path = configFile();
    const before = readFileSync(path);
    let caught: unknown;
    try {
      setTerminalIdentity(path, { terminalId: "123" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).setting).toBe("terminal.terminalId");
    expect(() => setTerminalIdentity(path, { merchantId: "x" })).toThrow(/terminal\.merchantId/);
    expect(() => setTerminalIdentity(path, { host: "bad host:80" })).toThrow(/host\.host/);
    expect(readFileSync(path)).toEqual(before);
  });

  it("parses host:port, IPv6 in brackets included", () => {
    expect(parseHostAddress("[::1]:5000")).toEqual({ host: "[::1]", port: 5000 });
    for (const bad of ["host", ":80", "h:0", "h:65536", "h:8x"]) {
      expect(() => parseHostAddress(bad)).toThrow(ProvisioningError);
    }
  });
});

describe("posctl provision set", () => {
  resetExitCode();

  it("updates the file and refuses a bad setting with exit 2 naming it", async () => {
    const path = configFile();
    const ok = await posctl(
      "provision",
      "set",
      "--config",
      path,
      "--terminal-id",
      "87654321",
      "--host",
      "pos.example.com:443",
    );
    expect(ok).toMatchObject({ exitCode: 0, stderr: "" });
    expect(JSON.parse(readFileSync(path, "utf8")).terminal.terminalId).toBe("87654321");
    const bad = await posctl("provision", "set", "--config", path, "--merchant-id", "12");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^posctl: terminal\.merchantId: /);
    const nothing = await posctl("provision", "set", "--config", path);
    expect(nothing.exitCode).toBe(2);
  });
});
