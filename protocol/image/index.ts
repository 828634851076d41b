export { type ArchiveEntry, checkArchivePath, packArchive, unpackArchive } from "./archive.js";
export {
  IMAGE_MAGIC,
  type ManifestInput,
  type ParsedImage,
  parseImage,
  prepareImage,
  sealImage,
  type UnsignedImage,
} from "./image.js";
export { ImageError } from "./image-error.js";
export { keyIdOf } from "./key-id.js";
export {
  encodeManifest,
  type ImageManifest,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  validateManifest,
} from "./manifest.js";
export { compareVersions, type FirmwareVersion, parseVersion } from "./version.js";
