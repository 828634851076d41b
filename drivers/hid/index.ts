export { HidListeners, type HidOpener, type HidTransport } from "./hid-transport.js";
export { createMemoryHidPair, type MemoryHidDevice } from "./memory-hid.js";
export { loadNodeHid, type NodeHidTarget, openNodeHidTransport } from "./node-hid-transport.js";
