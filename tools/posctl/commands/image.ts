import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { trustedKeyFrom } from "../../../firmware/update/index.js";
import { parseImage } from "../../../protocol/image/index.js";
import {
  buildFirmwareImage,
  generateSigningKeys,
  type KeyAlgorithm,
  verifyImageBytes,
} from "../../image/index.js";
import { action, UsageError } from "../cli-error.js";

/** `posctl image keygen|build|verify`: signed firmware images for the terminal's A/B update path. */
export function registerImage(program: Command): void {
  const image = program.command("image").description("signed firmware images: keygen, build, verify");

  image
    .command("keygen")
    .description("make a firmware signing key pair (private key PEM 0600, public key PEM)")
    .requiredOption("--out <dir>", "directory for the key files")
    .option("--alg <alg>", "ecdsa (P-256) or rsa-pss (RSA 3072)", "ecdsa")
    .action(
      action((options: { out: string; alg: string }) => {
        if (options.alg !== "ecdsa" && options.alg !== "rsa-pss") {
          throw new UsageError(`--alg must be ecdsa or rsa-pss, not "${options.alg}"`);
        }
        const keys = generateSigningKeys(options.out, options.alg as KeyAlgorithm);
        process.stdout.write(
          `private key ${keys.privateKeyPath}\npublic key  ${keys.publicKeyPath}\nkey id      ${keys.keyId}\n`,
        );
      }),
    );

  image
    .command("build")
    .description("pack a compiled JS tree and its package.json into a signed image")
    .requiredOption("--from <dir>", "compiled JS tree, e.g. dist/")
    .requiredOption("--package <file>", "package.json of the firmware")
    .requiredOption("--version <semver>", "firmware version")
    .requiredOption("--arch <target>", 'target, e.g. "linux-arm64" or "linux-x64"')
    .requiredOption("--key <file>", "private signing key (PEM)")
    .requiredOption("--out <file>", "image file to write")
    .action(
      action(
        (options: {
          from: string;
          package: string;
          version: string;
          arch: string;
          key: string;
          out: string;
        }) => {
          const privateKey = readFileSync(options.key);
          let bytes: Buffer;
          try {
            bytes = buildFirmwareImage({
              from: options.from,
              packageJson: options.package,
              version: options.version,
              arch: options.arch,
              privateKey,
            });
          } finally {
            privateKey.fill(0);
          }
          writeFileSync(options.out, bytes);
          const m = parseImage(bytes).manifest;
          process.stdout.write(
            `${options.out}: ${m.name} ${m.version} ${m.arch}, ${bytes.length} bytes, ${m.signatureAlgorithm} key ${m.keyId}\n`,
          );
        },
      ),
    );

  image
    .command("verify <image>")
    .description("check an image's structure, payload hash and signature; exit 1 if it is bad")
    .requiredOption("--pub <file>", "trusted public key (PEM); repeat for several", collect, [] as string[])
    .option("--json", "print the verdict as JSON")
    .action(
      action((file: string, options: { pub: string[]; json?: boolean }) => {
        const keys = options.pub.map((path) => trustedKeyFrom(readFileSync(path)));
        const verdict = verifyImageBytes(readFileSync(file), keys);
        if (options.json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
        else if (verdict.ok) {
          const m = verdict.manifest;
          process.stdout.write(
            `GOOD ${m.name} ${m.version} ${m.arch}, ${verdict.files} files, ${m.payloadLength} bytes, ` +
              `${m.signatureAlgorithm} key ${m.keyId}, built ${m.createdAt}\n`,
          );
        } else process.stdout.write(`BAD ${verdict.message}\n`);
        if (!verdict.ok) process.exitCode = 1;
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
