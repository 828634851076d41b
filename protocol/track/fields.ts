import { TrackError } from "./track-error.js";

/**
 * Fields of financial tracks (ISO/IEC 7813), text given without sentinels:
 * track 1 `B PAN ^ NAME ^ YYMM SSS discretionary`, track 2 `PAN = YYMM SSS discretionary`.
 * Track 3 (ISO 4909, still read by Chinese POS as field 36) is passed on mostly as is: format code and PAN.
 */
export interface Track1Fields {
  formatCode: string;
  pan: string;
  name: string;
  expiry: string;
  serviceCode: string;
  discretionary: string;
}

export interface Track2Fields {
  pan: string;
  expiry: string;
  serviceCode: string;
  discretionary: string;
}

export interface Track3Fields {
  formatCode: string;
  pan: string;
  /** Everything after the PAN separator. */
  additional: string;
}

const text = (input: string | Uint8Array): string =>
  typeof input === "string" ? input : Buffer.from(input).toString("latin1");

function pan(value: string, path: string, offset: number): string {
  if (!/^\d{12,19}$/.test(value)) throw new TrackError("PAN must be 12 to 19 digits", { path, offset });
  return value;
}

function expiryAndService(
  rest: string,
  path: string,
  offset: number,
): { expiry: string; serviceCode: string } {
  const expiry = rest.slice(0, 4);
  const month = Number(expiry.slice(2));
  if (!/^\d{4}$/.test(expiry) || month < 1 || month > 12) {
    throw new TrackError("expiry must be YYMM", { path: `${path} expiry`, offset });
  }
  const serviceCode = rest.slice(4, 7);
  if (!/^\d{3}$/.test(serviceCode)) {
    throw new TrackError("service code must be 3 digits", {
      path: `${path} service code`,
      offset: offset + 4,
    });
  }
  return { expiry, serviceCode };
}

export function parseTrack1(input: string | Uint8Array): Track1Fields {
  const t = text(input);
  const formatCode = t.slice(0, 1);
  if (formatCode !== "B")
    throw new TrackError("format code must be B (financial)", { path: "track 1 format code", offset: 0 });
  const panEnd = t.indexOf("^", 1);
  if (panEnd === -1)
    throw new TrackError("no field separator after the PAN", { path: "track 1 PAN", offset: 1 });
  const nameEnd = t.indexOf("^", panEnd + 1);
  if (nameEnd === -1)
    throw new TrackError("no field separator after the name", { path: "track 1 name", offset: panEnd + 1 });
  const name = t.slice(panEnd + 1, nameEnd);
  if (name.length < 2 || name.length > 26) {
    throw new TrackError("name must be 2 to 26 characters", { path: "track 1 name", offset: panEnd + 1 });
  }
  return {
    formatCode,
    pan: pan(t.slice(1, panEnd), "track 1 PAN", 1),
    name,
    ...expiryAndService(t.slice(nameEnd + 1), "track 1", nameEnd + 1),
    discretionary: t.slice(nameEnd + 8),
  };
}

export function parseTrack2(input: string | Uint8Array): Track2Fields {
  const t = text(input);
  const sep = t.indexOf("=");
  if (sep === -1)
    throw new TrackError("no field separator after the PAN", { path: "track 2 PAN", offset: 0 });
  return {
    pan: pan(t.slice(0, sep), "track 2 PAN", 0),
    ...expiryAndService(t.slice(sep + 1), "track 2", sep + 1),
    discretionary: t.slice(sep + 8),
  };
}

export function parseTrack3(input: string | Uint8Array): Track3Fields {
  const t = text(input);
  if (!/^\d{2}/.test(t))
    throw new TrackError("format code must be 2 digits", { path: "track 3 format code", offset: 0 });
  const sep = t.indexOf("=", 2);
  if (sep === -1)
    throw new TrackError("no field separator after the PAN", { path: "track 3 PAN", offset: 2 });
  return {
    formatCode: t.slice(0, 2),
    pan: pan(t.slice(2, sep), "track 3 PAN", 2),
    additional: t.slice(sep + 1),
  };
}
