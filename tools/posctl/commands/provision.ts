import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { writeFileAtomic } from "../../../drivers/storage/atomic-file.js";
import {
  generateTerminalCsr,
  installTerminalCertificate,
  ProvisioningError,
  setTerminalIdentity,
} from "../../../firmware/provisioning/index.js";
import { UsageError } from "../cli-error.js";
import { requireFlag } from "../options.js";
import { terminalDir } from "./admin.js";
import { keyGuard } from "./keys.js";

interface CsrFlags {
  dir?: string;
  cn?: string;
  org?: string;
  out?: string;
  newKey?: boolean;
}
interface InstallFlags {
  dir?: string;
  cert?: string;
  chain?: string;
}
interface SetFlags {
  config?: string;
  terminalId?: string;
  merchantId?: string;
  host?: string;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Provisioning refusals are bad input: one line, exit 2. */
function guard<A extends unknown[]>(fn: (...args: A) => void) {
  return keyGuard((...args: A) => {
    try {
      fn(...args);
    } catch (error) {
      if (error instanceof ProvisioningError) throw new UsageError(error.message);
      throw error;
    }
  });
}

/** `posctl provision`: the terminal's TLS identity (key pair made on the terminal, CSR, certificate) and IDs. */
export function registerProvision(program: Command): void {
  const provision = program
    .command("provision")
    .description("provision a terminal: TLS key pair and CSR, certificate install, IDs and host");
  provision
    .command("csr")
    .description(
      "generate the terminal's TLS key pair here (kept 0600 under the storage dir) and print a CSR",
    )
    .option("--dir <dir>", "the terminal's storage directory")
    .option("--cn <terminalId>", "subject common name: the terminal ID")
    .option("--org <name>", "subject organisation")
    .option("--out <file>", "write the CSR here instead of stdout")
    .option("--new-key", "replace an existing key pair (default: re-use it)")
    .action(
      guard((flags: CsrFlags) => {
        const dir = terminalDir(requireFlag(flags.dir, "--dir")).layout.dir;
        const result = generateTerminalCsr(dir, {
          commonName: requireFlag(flags.cn, "--cn"),
          ...(flags.org ? { organization: flags.org } : {}),
          ...(flags.newKey ? { newKey: true } : {}),
        });
        if (flags.out) {
          writeFileAtomic(flags.out, Buffer.from(result.csrPem, "latin1"), 0o644);
          process.stdout.write(
            `CSR for ${flags.cn} written to ${flags.out}; key ${result.generated ? "generated" : "re-used"} at ${result.keyPath}\n`,
          );
        } else process.stdout.write(result.csrPem);
      }),
    );
  provision
    .command("install")
    .description("install the signed certificate and CA chain (must match the stored key and chain up)")
    .option("--dir <dir>", "the terminal's storage directory")
    .option("--cert <file>", "the terminal certificate (PEM)")
    .option("--chain <file>", "the CA chain (PEM, one or more certificates)")
    .action(
      guard((flags: InstallFlags) => {
        const dir = terminalDir(requireFlag(flags.dir, "--dir")).layout.dir;
        const installed = installTerminalCertificate(
          dir,
          readText(requireFlag(flags.cert, "--cert"), "certificate"),
          readText(requireFlag(flags.chain, "--chain"), "chain"),
        );
        process.stdout.write(
          `installed certificate ${installed.subject} issued by ${installed.issuer}, valid until ${installed.notAfter}\n`,
        );
      }),
    );
  provision
    .command("set")
    .description("set the terminal ID, merchant ID and host address in the config file (validated)")
    .option("--config <file>", "the terminal's config file")
    .option("--terminal-id <id>", "8 characters")
    .option("--merchant-id <id>", "15 characters")
    .option("--host <host:port>", "the acquirer host address")
    .action(
      guard((flags: SetFlags) => {
        const config = requireFlag(flags.config, "--config");
        if (flags.terminalId === undefined && flags.merchantId === undefined && flags.host === undefined) {
          throw new UsageError("nothing to set: give --terminal-id, --merchant-id and/or --host");
        }
        setTerminalIdentity(config, {
          ...(flags.terminalId !== undefined ? { terminalId: flags.terminalId } : {}),
          ...(flags.merchantId !== undefined ? { merchantId: flags.merchantId } : {}),
          ...(flags.host !== undefined ? { host: flags.host } : {}),
        });
        process.stdout.write(`${config} updated\n`);
      }),
    );
}
