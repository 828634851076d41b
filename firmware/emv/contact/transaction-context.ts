import type { OdaRecord } from "../../../protocol/emv/index.js";
import { Tsi } from "../../../protocol/emv/tsi.js";
import { Tvr } from "../../../protocol/emv/tvr.js";
import type { AidConfig, TerminalConfig } from "../shared/terminal-config.js";
import { KernelTerminated } from "./kernel-error.js";
import { bcd, dateTime, type RandomSource, type TransactionInput } from "./transaction-input.js";

/** Service kind → transaction type 9C when the terminal gives none. */
const DEFAULT_TYPE = { goods: 0x00, services: 0x00, cash: 0x01, cashback: 0x09 } as const;

/**
 * The data of one contact transaction: terminal data objects, ICC data objects (records and GPO answer;
 * a tag read twice terminates, Book 3 §10.2), the FCI of the selected application, TVR and TSI.
 * Every kernel step reads and writes this; DOLs are filled from `lookup`.
 */
export class TransactionContext {
  readonly terminal = new Map<string, Buffer>();
  readonly card = new Map<string, Buffer>();
  fci = new Map<string, Buffer>();
  readonly tvr = new Tvr();
  readonly tsi = new Tsi();
  /** The records the AFL marks for ODA, as read (the static data is built from them). */
  readonly odaRecords: OdaRecord[] = [];
  /** The PDOL data sent in GPO (CDA transaction data hash input). */
  pdolData: Buffer = Buffer.alloc(0);
  aidConfig!: AidConfig;
  readonly service: NonNullable<TransactionInput["service"]>;

  constructor(
    readonly config: TerminalConfig,
    readonly input: TransactionInput,
    now: Date,
    random: RandomSource,
  ) {
    this.service = input.service ?? "goods";
    const { date, time } = dateTime(now);
    const t = this.terminal;
    t.set("9F02", bcd(input.amount, 6));
    t.set("81", amountBinary(input.amount));
    t.set("9F03", bcd(input.amountOther ?? 0, 6));
    t.set("9F04", amountBinary(input.amountOther ?? 0));
    t.set("9A", date);
    t.set("9F21", time);
    t.set("9C", Buffer.from([input.transactionType ?? DEFAULT_TYPE[this.service]]));
    t.set("9F37", random.bytes(4));
    t.set("9F1A", config.countryCode);
    t.set("5F2A", config.currencyCode);
    t.set("5F36", Buffer.from([config.currencyExponent]));
    t.set("9F33", config.terminalCapabilities);
    t.set("9F40", config.additionalCapabilities);
    t.set("9F35", Buffer.from([config.terminalType]));
    t.set("9F1E", Buffer.from(config.ifdSerialNumber, "ascii"));
    t.set("9F15", config.merchantCategoryCode);
    t.set("9F16", Buffer.from(config.merchantId, "ascii"));
    t.set("9F1C", Buffer.from(config.terminalId, "ascii"));
    t.set("9F39", Buffer.from([0x05]));
    if (input.sequenceCounter !== undefined) t.set("9F41", bcd(input.sequenceCounter, 4));
  }

  /** Data object by tag: TVR/TSI live, then terminal, then card, then the FCI. */
  lookup = (tag: string): Buffer | undefined => {
    const key = tag.toUpperCase();
    if (key === "95") return this.tvr.toBuffer();
    if (key === "9B") return this.tsi.toBuffer();
    return this.terminal.get(key) ?? this.card.get(key) ?? this.fci.get(key);
  };

  /** Adds ICC data; a primitive tag the card already gave is redundant data ⇒ terminate. */
  addCardData(data: ReadonlyMap<string, Buffer>, where: string): void {
    for (const [tag, value] of data) {
      if (this.card.has(tag)) {
        throw new KernelTerminated("redundant-card-data", `tag ${tag} given twice (${where})`);
      }
      this.card.set(tag, Buffer.from(value));
    }
  }

  /** Sets the per-AID terminal data once the application is chosen. */
  useAid(aid: AidConfig, dfName: Buffer): void {
    this.aidConfig = aid;
    this.terminal.set("9F06", aid.aid);
    this.terminal.set("9F09", aid.applicationVersion);
    this.terminal.set("9F1B", amountBinary(aid.floorLimit));
    this.fci.set("84", Buffer.from(dfName));
  }

  get amount(): number {
    return this.input.amount;
  }
}

function amountBinary(amount: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(Math.min(amount, 0xffffffff));
  return out;
}
