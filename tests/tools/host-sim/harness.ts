import { afterEach } from "vitest";
import type { RandomSource } from "../../../protocol/crypto/pinblock/random.js";
import { buildFinancial, type FinancialValues } from "../../../protocol/iso8583/cup/builders.js";
import type { TransactionKind } from "../../../protocol/iso8583/cup/transactions.js";
import type { Iso8583Message } from "../../../protocol/iso8583/spec.js";
import { HostSimulator, type HostSimulatorOptions } from "../../../tools/host-sim/index.js";
import { CupClient, type CupClientOptions } from "../../support/cup-client.js";

/** Deterministic random bytes (xorshift32) so keys and auth codes repeat run to run. */
export function seededRandom(seed = 0x2545f491): RandomSource {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

export const CARDS = {
  debit: { pan: "6222021000000000014", pin: "123456" },
  credit: { pan: "6228480000000000025", pin: "888888" },
  emv: { pan: "6217000000000000033", pin: "123456", imkAc: "0123456789ABCDEFFEDCBA9876543210", psn: "01" },
  emvScripts: {
    pan: "6258070000000000045",
    pin: "111111",
    imkAc: "11223344556677888877665544332211",
    psn: "00",
  },
  low: { pan: "6214830000000000054", pin: "123456" },
  visa: { pan: "4761739001010016", pin: "1234" },
  mastercard: { pan: "5413330089010431", pin: "1234", imkAc: "0123456789ABCDEF0123456789ABCDEF", psn: "00" },
  declined: { pan: "6222021000000000069", pin: "123456" },
  expired: { pan: "6222021000000000078", pin: "123456" },
  unknown: { pan: "6222029999999999999", pin: "123456" },
} as const;

/** Starts simulators and clients that are always stopped after each test. */
export function useHostSim() {
  const sims: HostSimulator[] = [];
  const clients: CupClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });
  return {
    async start(options: HostSimulatorOptions = {}) {
      const sim = new HostSimulator({ random: seededRandom(), ...options });
      sims.push(sim);
      const address = await sim.start({ host: "127.0.0.1", port: 0 });
      const connect = async (extra: Partial<CupClientOptions> = {}) => {
        const client = await CupClient.connect({ host: address.host, port: address.port, ...extra });
        clients.push(client);
        return client;
      };
      return { sim, address, connect };
    },
  };
}

/** A financial request for `client` with PIN block, PAN-entered magstripe defaults. */
export function request(
  client: CupClient,
  kind: TransactionKind,
  card: { pan: string; pin?: string },
  values: Partial<FinancialValues> & { withPin?: boolean } = {},
): Iso8583Message {
  const { withPin = card.pin !== undefined, ...rest } = values;
  const pinBlock = withPin && card.pin ? client.pinBlock(card.pan, card.pin) : undefined;
  return buildFinancial(kind, {
    terminalId: client.terminalId,
    merchantId: client.merchantId,
    stan: client.nextStan(),
    batch: client.batch,
    card: { pan: card.pan, entryMode: pinBlock ? "021" : "022" },
    ...(pinBlock ? { pinBlock, securityControl: "2600000000000000" } : {}),
    ...rest,
  });
}
