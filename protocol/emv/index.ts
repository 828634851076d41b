/**
 * EMV data handling and offline data authentication (EMV Books 2 and 3), pure: no I/O, no clock —
 * callers pass the transaction date.
 */
export { type AflEntry, type AflRecord, aflRecords, parseAfl, readRecordCommand } from "./afl.js";
export { type Aip, type OdaMethod, parseAip, selectOdaMethod } from "./aip.js";
export { type CommandDescription, describeEmvCommand } from "./apdu-describe.js";
export { arcFromField39, type HostDecision, hostDecision, TERMINAL_ARC, terminalArc } from "./arc.js";
export { type Auc, type AucContext, aucAllows, parseAuc } from "./auc.js";
export {
  type Cid,
  type CidReason,
  type CryptogramType,
  generateAcCommand,
  generateAcP1,
  parseCid,
  parseGenerateAcP1,
} from "./cid.js";
export {
  CVM_CONDITIONS,
  CVM_METHODS,
  CVM_RESULT,
  type CvmCondition,
  type CvmConditionContext,
  type CvmList,
  type CvmMethod,
  type CvmRule,
  cvmConditionSatisfied,
  cvmResults,
  decodeCvmRule,
  parseCvmList,
} from "./cvm.js";
export { EmvDataError } from "./emv-error.js";
export {
  buildField55,
  FIELD55_CONTACTLESS_REQUEST,
  FIELD55_FAILURE_UPLOAD,
  FIELD55_REQUEST,
  FIELD55_REVERSAL,
  FIELD55_SCRIPT_RESULT,
  FIELD55_TC_UPLOAD,
  type Field55Response,
  type Field55TagSet,
  field55Tags,
  parseField55Response,
  type TagValues,
} from "./field55.js";
export { capkFromCupTlv } from "./oda/capk-cup-tlv.js";
export { type Capk, type CapkJson, CapkStore, capkExpired, capkHash } from "./oda/capk-store.js";
export { bcdDigits, certificateExpired, type TransactionDate } from "./oda/cert-checks.js";
export {
  type CdaInput,
  type CdaResult,
  type DynamicSignature,
  type DynamicSignatureInput,
  type FddaInput,
  verifyCda,
  verifyDda,
  verifyDynamicSignature,
  verifyFdda,
} from "./oda/dynamic-signature.js";
export {
  type IccCertificateInput,
  type IccPublicKey,
  type OpenedIccCertificate,
  openIccCertificate,
  recoverIccPublicKey,
} from "./oda/icc-key.js";
export {
  type IssuerCertificateInput,
  type IssuerPublicKey,
  recoverIssuerPublicKey,
} from "./oda/issuer-key.js";
export { failedReason, OdaError, type OdaFailureReason, odaFailedBit } from "./oda/oda-error.js";
export { type RsaPublicKey, rsaRecover } from "./oda/rsa-recover.js";
export { type SdaInput, type SdaResult, verifySda } from "./oda/sda.js";
export {
  buildStaticData,
  type CdaTransactionDataInput,
  cdaTransactionData,
  type OdaRecord,
  type StaticDataInput,
} from "./oda/static-data.js";
export {
  type DescribeTraceOptions,
  describeEmvTrace,
  parseEmvTrace,
  type TraceExchange,
} from "./trace.js";
export { TSI_BIT_NAMES, TSI_BITS, Tsi, type TsiBit } from "./tsi.js";
export { describeTvr, TVR_BIT_NAMES, TVR_BITS, Tvr, type TvrBit } from "./tvr.js";
