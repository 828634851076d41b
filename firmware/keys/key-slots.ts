/**
 * The terminal's key slots and the one purpose each key may serve (PCI PIN: a PIN key never MACs, a
 * key-encrypting key never encrypts data). The store checks the purpose on every use.
 */
export type KeySlot = "tmk" | "pik" | "mak" | "tdk" | "dek";
export type KeyUse = "unwrap-working-keys" | "encrypt-pin" | "mac" | "encrypt-data" | "store-data";

export const SLOT_USE: Readonly<Record<KeySlot, KeyUse>> = {
  tmk: "unwrap-working-keys",
  pik: "encrypt-pin",
  mak: "mac",
  tdk: "encrypt-data",
  // The terminal's own data-storage key (journal PANs at rest): made on the terminal, never sent anywhere.
  dek: "store-data",
};

export const WORKING_SLOTS: readonly KeySlot[] = ["pik", "mak", "tdk"];
