// Artifact storage: the StorageClient plug-in point, the local and S3 stores, archives, and
// artifact-level transfers on top of any client.
export { ChecksumError, NotFoundError, StorageError, type StorageClient, type TransferOptions } from "./client.ts";
export { LocalStorageClient } from "./local.ts";
export { S3StorageClient, MD5_METADATA, type S3StorageOptions } from "./s3.ts";
export { s3Config, s3ConfigFromEnv, storageFromConfig, configuredRepository, defaultLocalStorageRoot, type S3Config } from "./config.ts";
export { checkKey, checkPrefix, joinKey, keySegment, uploadKey, stepArtifactKey, archivedKey, type Archive } from "./keys.ts";
export { packArchive, unpackArchive, looksLikeArchive, type PackOptions } from "./archive.ts";
export { saveArtifact, loadArtifact, copyArtifact, artifactKind, type SaveOptions, type LoadOptions } from "./transfer.ts";
export { StorageArtifactStore } from "./artifact-store.ts";
export { md5File } from "./atomic-file.ts";
