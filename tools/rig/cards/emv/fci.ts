import { encodeDol, encodeTlv, type TlvNode } from "../../../../protocol/tlv/index.js";
import type { PersonalisedCard } from "./personalise.js";
import type { EmvCardProfile } from "./profile.js";

/** SELECT answers and directory records (EMV Book 1 §11–12, Book B for the PPSE). */

export const PSE_NAME = Buffer.from("1PAY.SYS.DDF01", "ascii");
export const PPSE_NAME = Buffer.from("2PAY.SYS.DDF01", "ascii");
/** SFI of the PSE directory file (88). */
export const PSE_SFI = 1;

function priorityByte(profile: EmvCardProfile): Buffer {
  const app = profile.application;
  return Buffer.from([(app.confirmationRequired ? 0x80 : 0) | app.priority]);
}

/** The common directory-entry objects: 4F AID, 50 label, 87 priority. */
function entryObjects(profile: EmvCardProfile): TlvNode[] {
  const app = profile.application;
  return [
    { tag: "4F", value: Buffer.from(app.aid, "hex") },
    { tag: "50", value: Buffer.from(app.label, "ascii") },
    { tag: "87", value: priorityByte(profile) },
  ];
}

/** FCI of the PSE: 6F{84, A5{88 SFI, 5F2D}}. */
export function pseFci(profile: EmvCardProfile): Buffer {
  return encodeTlv([
    {
      tag: "6F",
      value: Buffer.alloc(0),
      children: [
        { tag: "84", value: PSE_NAME },
        {
          tag: "A5",
          value: Buffer.alloc(0),
          children: [
            { tag: "88", value: Buffer.from([PSE_SFI]) },
            { tag: "5F2D", value: Buffer.from(profile.application.language, "ascii") },
          ],
        },
      ],
    },
  ]);
}

/** PSE directory record 1: 70{61{4F, 50, 87, 9F12}}. */
export function pseRecord(profile: EmvCardProfile): Buffer {
  const app = profile.application;
  const entry = [...entryObjects(profile)];
  if (app.preferredName) entry.push({ tag: "9F12", value: Buffer.from(app.preferredName, "ascii") });
  return encodeTlv([
    { tag: "70", value: Buffer.alloc(0), children: [{ tag: "61", value: Buffer.alloc(0), children: entry }] },
  ]);
}

/** FCI of the PPSE: 6F{84, A5{BF0C{61{4F, 50, 87, 9F2A kernel id}}}}. */
export function ppseFci(profile: EmvCardProfile): Buffer {
  const kernel = profile.contactlessApplication?.kernelId ?? "00";
  return encodeTlv([
    {
      tag: "6F",
      value: Buffer.alloc(0),
      children: [
        { tag: "84", value: PPSE_NAME },
        {
          tag: "A5",
          value: Buffer.alloc(0),
          children: [
            {
              tag: "BF0C",
              value: Buffer.alloc(0),
              children: [
                {
                  tag: "61",
                  value: Buffer.alloc(0),
                  children: [...entryObjects(profile), { tag: "9F2A", value: Buffer.from(kernel, "hex") }],
                },
              ],
            },
          ],
        },
      ],
    },
  ]);
}

/** FCI of the application: 6F{84 DF name, A5{50, 87, 9F38 PDOL, 5F2D, 9F11, 9F12}}. */
export function applicationFci(profile: EmvCardProfile, card: PersonalisedCard): Buffer {
  const app = profile.application;
  const proprietary: TlvNode[] = [
    { tag: "50", value: Buffer.from(app.label, "ascii") },
    { tag: "87", value: priorityByte(profile) },
  ];
  if (card.pdol.length > 0) proprietary.push({ tag: "9F38", value: encodeDol(card.pdol) });
  proprietary.push({ tag: "5F2D", value: Buffer.from(app.language, "ascii") });
  if (app.issuerCodeTableIndex !== undefined) {
    proprietary.push({ tag: "9F11", value: Buffer.from([app.issuerCodeTableIndex]) });
  }
  if (app.preferredName) proprietary.push({ tag: "9F12", value: Buffer.from(app.preferredName, "ascii") });
  return encodeTlv([
    {
      tag: "6F",
      value: Buffer.alloc(0),
      children: [
        { tag: "84", value: Buffer.from(app.aid, "hex") },
        { tag: "A5", value: Buffer.alloc(0), children: proprietary },
      ],
    },
  ]);
}
