/** The rig's serial devices, as a terminal config names them. */
export const RIG_DEVICES = ["pinpad", "contact", "magstripe", "nfc", "printer", "modem"] as const;
export type RigDevice = (typeof RIG_DEVICES)[number];

/**
 * Line speeds the terminal opens each port with (PN532 HSU default, MagTek serial readers at 9600;
 * meaningless on ptys and in-process, but a terminal config carries them for the real ports).
 */
export const RIG_BAUD_RATES: Readonly<Record<RigDevice, number>> = {
  pinpad: 115200,
  contact: 115200,
  magstripe: 9600,
  nfc: 115200,
  printer: 115200,
  modem: 115200,
};

export interface DevicePort {
  path: string;
  baudRate: number;
}

/** The `devices` section of a terminal config pointing at the rig. */
export interface RigDeviceConfig {
  devices: Record<RigDevice, DevicePort>;
}
