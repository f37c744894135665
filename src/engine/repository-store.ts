import { archivedKey, joinKey } from "../storage/keys.ts";
import { StorageArtifactStore } from "../storage/artifact-store.ts";
import type { StorageClient } from "../storage/client.ts";
import type { ArtifactStore } from "./artifacts.ts";

/**
 * A run's artifacts kept in the artifact repository (S3 or any StorageClient) instead of the
 * record: `<workflow id>/<step dir>/outputs/artifacts/<name>[.tgz]`. The record then names each
 * artifact by its locator (`s3://<bucket>/<key>`), which downloadArtifact understands.
 */
export class RepositoryArtifactStore implements ArtifactStore {
  private readonly inner: StorageArtifactStore;
  constructor(
    client: StorageClient,
    private readonly workflowId: string,
    private readonly archive: "tar" | null,
  ) {
    this.inner = new StorageArtifactStore(client, { prefix: workflowId, archive });
  }
  save(localPath: string, key: string): Promise<void> {
    return this.inner.save(localPath, key);
  }
  load(key: string, destPath: string, subPath?: string): Promise<void> {
    return this.inner.load(key, destPath, subPath);
  }
  exists(key: string, subPath?: string): Promise<boolean> {
    return this.inner.exists(key, subPath);
  }
  localPath(): undefined {
    return undefined;
  }
  locator(key: string): string {
    return repositoryLocator(this.inner.client, archivedKey(joinKey(this.workflowId, key), this.archive));
  }
}

/** `s3://<bucket>/<key>` of an object in the repository, as downloadArtifact reads it. */
export function repositoryLocator(client: StorageClient, key: string): string {
  const bucket = (client as { bucket?: string }).bucket ?? "repository";
  const prefix = (client as { prefix?: string }).prefix;
  return `s3://${bucket}/${prefix ? joinKey(prefix, key) : key}`;
}
