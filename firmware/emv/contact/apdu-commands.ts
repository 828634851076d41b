/** Command APDUs of the contact kernel (EMV Book 3 §6.5), built as bytes; every case-4 command ends with Le 00. */

export const PSE_NAME = Buffer.from("1PAY.SYS.DDF01", "ascii");

/** SELECT by DF name; `next` = P2 02 "next occurrence" for partial AID matching (Book 1 §12.3.3). */
export function selectCommand(dfName: Buffer, next = false): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, 0xa4, 0x04, next ? 0x02 : 0x00, dfName.length]),
    dfName,
    Buffer.from([0]),
  ]);
}

/** READ RECORD `00 B2 record (SFI<<3 | 4) 00`. */
export function readRecordCommand(sfi: number, record: number): Buffer {
  return Buffer.from([0x00, 0xb2, record & 0xff, ((sfi & 0x1f) << 3) | 0x04, 0x00]);
}

/** GET PROCESSING OPTIONS with the PDOL data wrapped in 83 (no PDOL ⇒ `83 00`). */
export function gpoCommand(pdolData: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([0x83, pdolData.length]), pdolData]);
  return Buffer.concat([Buffer.from([0x80, 0xa8, 0x00, 0x00, body.length]), body, Buffer.from([0])]);
}

/** GET DATA `80 CA tag 00` for a two-byte tag (9F36, 9F13, 9F17, 9F4F). */
export function getDataCommand(tag: number): Buffer {
  return Buffer.from([0x80, 0xca, (tag >> 8) & 0xff, tag & 0xff, 0x00]);
}

/** INTERNAL AUTHENTICATE with the DDOL data (DDA). */
export function internalAuthenticateCommand(ddolData: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x88, 0x00, 0x00, ddolData.length]), ddolData, Buffer.from([0])]);
}

export const CRYPTOGRAM_P1 = { aac: 0x00, tc: 0x40, arqc: 0x80 } as const;
export type CryptogramType = keyof typeof CRYPTOGRAM_P1;

/** GENERATE AC `80 AE P1 00`: P1 b8–b7 the cryptogram asked for, b5 CDA signature requested. */
export function generateAcCommand(type: CryptogramType, cda: boolean, cdolData: Buffer): Buffer {
  const p1 = CRYPTOGRAM_P1[type] | (cda ? 0x10 : 0x00);
  return Buffer.concat([Buffer.from([0x80, 0xae, p1, 0x00, cdolData.length]), cdolData, Buffer.from([0])]);
}

/** EXTERNAL AUTHENTICATE with the issuer authentication data (91), case 3. */
export function externalAuthenticateCommand(issuerAuthenticationData: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, 0x82, 0x00, 0x00, issuerAuthenticationData.length]),
    issuerAuthenticationData,
  ]);
}

/** VERIFY with a plaintext offline PIN block (P2 80), case 3. */
export function verifyPlaintextPinCommand(pinBlock: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20, 0x00, 0x80, pinBlock.length]), pinBlock]);
}

/** GET CHALLENGE `00 84 00 00 08`: an 8-byte ICC unpredictable number for offline enciphered PIN. */
export function getChallengeCommand(): Buffer {
  return Buffer.from([0x00, 0x84, 0x00, 0x00, 0x08]);
}

/** VERIFY with an offline PIN block enciphered under the ICC (PIN encipherment) key (P2 88), case 3. */
export function verifyEncipheredPinCommand(enciphered: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20, 0x00, 0x88, enciphered.length]), enciphered]);
}
