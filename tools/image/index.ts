export { type BuildOptions, buildFirmwareImage, collectTree, signImage } from "./build-image.js";
export {
  type GeneratedKeys,
  generateSigningKeys,
  type KeyAlgorithm,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
} from "./keygen.js";
export { type ImageVerdict, verifyImageBytes } from "./verify-image-file.js";
