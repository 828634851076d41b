import {
  CcidContactReader,
  type CcidContactReaderOptions,
} from "../../../drivers/contact/ccid-contact-reader.js";
import type { ByteLink } from "../../../drivers/link/byte-link.js";
import { createMemoryLinkPair } from "../../../drivers/link/memory-link.js";
import { buildAtr } from "../../../protocol/iso7816/index.js";
import {
  ContactReaderEmulator,
  type ContactReaderEmulatorOptions,
} from "../../../tools/rig/emulators/contact-reader/index.js";
import { ScriptedCard } from "../../../tools/rig/virtual-card.js";
import { ManualClock } from "../../support/manual-clock.js";

export const T0_ATR = "3B600000"; // T=0, TB1 TC1, no TCK (emv-utils basic_atr_t0_test)
export const T1_ATR_SMALL_IFSC = buildAtr({
  groups: [{ tb: 0x00, tc: 0x00, protocol: 1 }, { protocol: 1 }, { ta: 0x10, tb: 0x45 }],
}).toString("hex");

const LONG = "AB".repeat(80);
/** A card with a few commands; response data is hex. */
export function paymentCard(atr = T0_ATR): ScriptedCard {
  return new ScriptedCard({
    name: "test card",
    atr,
    responses: {
      // SELECT PSE (case 4): FCI + 9000
      "00A404000E315041592E5359532E4444463031":
        "6F1A840E315041592E5359532E4444463031A5088801015F2D027A689000",
      // GET CHALLENGE (case 2, Le 8)
      "0084000008": "01020304050607089000",
      // VERIFY (case 3) wrong PIN
      "0020008008": "63C2",
      // READ RECORD with a warning + data (case 4 style via Le)
      "00B2010C": `${"70".padEnd(2, "0")}0A5A0862123456789012349F0000`.replace("9F0000", "6282"),
      // GET DATA (case 2) with a long answer
      "80CA9F17": `${LONG}9000`,
      // UPDATE (case 3) with a long command
      "00D60000": "9000",
    },
  });
}

export interface ContactRig {
  reader: CcidContactReader;
  emulators: ContactReaderEmulator[];
  clock: ManualClock;
  hosts: ByteLink[];
  card: ScriptedCard;
  /** The current emulator (the last one attached). */
  emulator: () => ContactReaderEmulator;
}

export function contactRig(
  options: {
    emulator?: ContactReaderEmulatorOptions;
    reader?: Partial<CcidContactReaderOptions>;
    card?: ScriptedCard;
    inserted?: boolean;
  } = {},
): ContactRig {
  const clock = new ManualClock();
  const emulators: ContactReaderEmulator[] = [];
  const hosts: ByteLink[] = [];
  const card = options.card ?? paymentCard();
  const reader = new CcidContactReader({
    clock,
    opener: async () => {
      const { host, device } = createMemoryLinkPair("ccid");
      const emulator = new ContactReaderEmulator(device, { clock, ...options.emulator });
      if (options.inserted ?? true) {
        // Inserted before the host listens: the notice is lost, as on a real line; GetSlotStatus finds it.
        emulator.insert(card);
      }
      emulators.push(emulator);
      hosts.push(host);
      return host;
    },
    ...options.reader,
  });
  return { reader, emulators, clock, hosts, card, emulator: () => emulators.at(-1)! };
}

/** Lets the memory link deliver (it delivers on setImmediate). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
