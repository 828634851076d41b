import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { describeEmvTrace, parseEmvTrace } from "../../../protocol/emv/index.js";
import { action, UsageError } from "../cli-error.js";

/** `posctl emv trace <file>`: an APDU trace with commands named, TLV decoded and status words explained. */
export function registerEmv(program: Command): void {
  const emv = program.command("emv").description("EMV card data tools");
  emv
    .command("trace <file>")
    .description('pretty-print a JSON APDU trace {"apdus":[{"c":"<hex>","r":"<hex+SW>"}]}')
    .option("--reveal", "show PAN, track and cardholder data in clear (PIN data stays hidden)")
    .action(
      action(async (file: string, options: { reveal?: boolean }) => {
        let text: string;
        try {
          text = await readFile(file, "utf8");
        } catch (error) {
          throw new UsageError(
            `cannot read trace ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
          );
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new UsageError(`trace ${file} is not valid JSON: ${(error as Error).message}`);
        }
        const output = describeEmvTrace(parseEmvTrace(json), { reveal: options.reveal === true });
        process.stdout.write(`${output}\n`);
      }),
    );
}
