/** A provisioning step the terminal refuses (certificate not for this key, broken chain, bad address). */
export class ProvisioningError extends Error {
  override name = "ProvisioningError";
}
