export {
  collectDiagnostics,
  type Diagnostics,
  type DiagnosticsOptions,
  diagnosticsText,
  lastLogErrors,
} from "./diagnostics.js";
export { ProvisioningError } from "./provisioning-error.js";
export { type IdentityChange, parseHostAddress, setTerminalIdentity } from "./terminal-identity.js";
export {
  type CsrOptions,
  type CsrResult,
  generateTerminalCsr,
  type InstalledCertificate,
  installTerminalCertificate,
  type TlsPaths,
  tlsIdentityStatus,
  tlsPaths,
} from "./tls-identity.js";
