import { TrackError } from "./track-error.js";

/**
 * The three-digit service code (ISO/IEC 7813; digit meanings as the card schemes publish them):
 * digit 1 interchange and technology (2xx/6xx = the card has a chip: a swipe must send the cardholder to
 * the chip reader, or follow fallback rules), digit 2 authorization processing, digit 3 allowed services
 * and PIN requirement.
 */
export interface ServiceCodeInfo {
  code: string;
  interchange: "international" | "national" | "private" | "test" | "reserved";
  requiresChip: boolean;
  authorization: "normal" | "online" | "online-unless-agreement" | "reserved";
  services: "no-restrictions" | "goods-and-services" | "atm-only" | "cash-only" | "reserved";
  /** "required": always ask for a PIN; "if-pin-pad": ask when a PIN pad is present; "not-required". */
  pin: "required" | "if-pin-pad" | "not-required";
}

function digitsOf(code: string): [number, number, number] {
  if (!/^\d{3}$/.test(code)) throw new TrackError("must be three digits", { path: "service code" });
  return [Number(code[0]), Number(code[1]), Number(code[2])];
}

export function requiresChip(code: string): boolean {
  const [d1] = digitsOf(code);
  return d1 === 2 || d1 === 6;
}

export function pinRequirement(code: string): ServiceCodeInfo["pin"] {
  const d3 = digitsOf(code)[2];
  if (d3 === 0 || d3 === 3 || d3 === 5) return "required";
  if (d3 === 6 || d3 === 7) return "if-pin-pad";
  return "not-required";
}

export function serviceCodeInfo(code: string): ServiceCodeInfo {
  const [d1, d2, d3] = digitsOf(code);
  const interchange =
    d1 === 1 || d1 === 2
      ? "international"
      : d1 === 5 || d1 === 6
        ? "national"
        : d1 === 7
          ? "private"
          : d1 === 9
            ? "test"
            : "reserved";
  const authorization =
    d2 === 0 ? "normal" : d2 === 2 ? "online" : d2 === 4 ? "online-unless-agreement" : "reserved";
  const services =
    d3 === 0 || d3 === 1 || d3 === 6
      ? "no-restrictions"
      : d3 === 2 || d3 === 5 || d3 === 7
        ? "goods-and-services"
        : d3 === 3
          ? "atm-only"
          : d3 === 4
            ? "cash-only"
            : "reserved";
  return {
    code,
    interchange,
    requiresChip: d1 === 2 || d1 === 6,
    authorization,
    services,
    pin: pinRequirement(code),
  };
}
