/** The acquirer host simulator: a UnionPay POS dialect server for rigs, terminal tests and load tests. */

export {
  type BehaviourAction,
  type BehaviourRuleInput,
  type CardProfileInput,
  type HostSimConfig,
  HostSimConfigError,
  type HostSimConfigInput,
  loadCardsFile,
  loadConfigFile,
  loadScenarioFile,
} from "./config.js";
export { DEFAULT_CARDS, DEFAULT_MERCHANT_ID, DEFAULT_TERMINAL_ID, DEFAULT_TMK_HEX } from "./default-cards.js";
export { ARQC_DATA_TAGS, arqcInput } from "./emv-issuer.js";
export {
  type BatchView,
  HostSimulator,
  type HostSimulatorOptions,
  type HostTlsOptions,
  type LedgerSnapshot,
  type ListenAddress,
} from "./host-simulator.js";
export type { InstantSettlementRecord } from "./instant-settlement.js";
export { issueWorkingKeys, type WorkingKeys } from "./issue-keys.js";
export type { LedgerEntry } from "./ledger.js";
export { createTestPki, type PemPair, type TestPki, type TestPkiOptions } from "./test-ca.js";
