import type { CardProfileInput } from "./config.js";

/**
 * The host simulator's built-in test cards (used when no card file is given). Public test data: PANs are
 * Luhn-valid but issued by nobody; the IMKs are test keys. Amounts are in fen. tools/host-sim/README.md
 * lists them for the people who drive a terminal against the simulator.
 */
export const DEFAULT_CARDS: readonly CardProfileInput[] = [
  {
    name: "CUP debit, magstripe",
    pan: "6222021000000000014",
    pin: "123456",
    balance: 10_000_000,
    scheme: "CUP",
    accountType: "debit",
  },
  {
    name: "CUP credit with limits",
    pan: "6228480000000000025",
    pin: "888888",
    balance: 5_000_000,
    scheme: "CUP",
    accountType: "credit",
    perTxnLimit: 2_000_000,
    dailyLimit: 3_000_000,
  },
  {
    name: "CUP debit, EMV (PBOC) with ARPC",
    pan: "6217000000000000033",
    pin: "123456",
    balance: 10_000_000,
    scheme: "CUP",
    emv: { imkAc: "0123456789ABCDEFFEDCBA9876543210", psn: "01" },
  },
  {
    name: "CUP credit, EMV with issuer scripts 71/72",
    pan: "6258070000000000045",
    pin: "111111",
    balance: 5_000_000,
    scheme: "CUP",
    accountType: "credit",
    emv: {
      imkAc: "11223344556677888877665544332211",
      psn: "00",
      issuerScripts: {
        "71": "9F180400000002860D841E0000088877665544332211",
        "72": "9F180400000001860D84240000081122334455667788",
      },
    },
  },
  {
    name: "CUP debit, low balance and tight limits",
    pan: "6214830000000000054",
    pin: "123456",
    balance: 10_000,
    scheme: "CUP",
    perTxnLimit: 5_000,
    dailyLimit: 8_000,
  },
  {
    name: "Visa credit, foreign",
    pan: "4761739001010016",
    pin: "1234",
    balance: 5_000_000,
    scheme: "VIS",
    domestic: false,
    accountType: "credit",
  },
  {
    name: "Mastercard credit, foreign, EMV (ARPC under the ICC master key)",
    pan: "5413330089010431",
    pin: "1234",
    balance: 5_000_000,
    scheme: "MCC",
    domestic: false,
    accountType: "credit",
    emv: { imkAc: "0123456789ABCDEF0123456789ABCDEF", psn: "00", arpcKey: "icc-master" },
  },
  {
    name: "CUP debit, always declined 05 (do not honour)",
    pan: "6222021000000000069",
    pin: "123456",
    balance: 10_000_000,
    scheme: "CUP",
    behaviour: { respondWith: "05" },
  },
  {
    name: "CUP debit, expired (54)",
    pan: "6222021000000000078",
    pin: "123456",
    balance: 10_000_000,
    scheme: "CUP",
    expiry: "2001",
  },
];

/** The default test TMK (double-length), the public worked example of reference §1.6. */
export const DEFAULT_TMK_HEX = "CA5D92598DCA48CE8A4C76361A9269E9";

/** Test terminal and merchant IDs the README documents (any others are accepted unless restricted). */
export const DEFAULT_TERMINAL_ID = "10000001";
export const DEFAULT_MERCHANT_ID = "898310048990001";
