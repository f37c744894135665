import { NotFoundError, type StorageClient } from "./client.ts";
import { archivedKey, checkKey, joinKey, type Archive } from "./keys.ts";
import { artifactKind, loadArtifact, saveArtifact } from "./transfer.ts";

/**
 * A run's artifact store on any StorageClient, with the shape of the local engine's ArtifactStore
 * (save / load / exists / localPath), so a run can keep its artifacts in S3:
 * engine key `k` lives at `<prefix>/k.tgz` (archived) or `<prefix>/k[/…]` (unarchived), where the
 * prefix is typically the workflow id. load() finds either form with one listing.
 */
export class StorageArtifactStore {
  readonly prefix: string;
  readonly archive: Archive;

  constructor(
    readonly client: StorageClient,
    options: { prefix: string; archive?: Archive },
  ) {
    this.prefix = checkKey(options.prefix);
    this.archive = options.archive === undefined ? "tar" : options.archive;
  }

  /** Stores `localPath` under `key`; `archive` overrides the store's default for this artifact. */
  async save(localPath: string, key: string, archive: Archive = this.archive): Promise<void> {
    await saveArtifact(this.client, localPath, archivedKey(joinKey(this.prefix, key), archive), { archive });
  }

  async load(key: string, destPath: string, subPath?: string): Promise<void> {
    const stored = await this.locate(key);
    if (!stored) throw new NotFoundError(joinKey(this.prefix, key));
    await loadArtifact(this.client, stored, destPath, subPath ? { subPath } : {});
  }

  async exists(key: string, subPath?: string): Promise<boolean> {
    const stored = await this.locate(key);
    if (!stored || !subPath) return !!stored;
    return (await artifactKind(this.client, joinKey(stored, subPath))) !== undefined || stored.endsWith(".tgz");
  }

  /** Artifacts in a remote store have no local path. */
  localPath(_key: string): string | undefined {
    return undefined;
  }

  /** The stored key for engine key `key`: its archive, its file or its tree. */
  private async locate(key: string): Promise<string | undefined> {
    const base = joinKey(this.prefix, key);
    const found = await this.client.list(base, false);
    if (found.includes(`${base}.tgz`)) return `${base}.tgz`;
    if (found.includes(base) || found.includes(`${base}/`)) return base;
    return undefined;
  }
}
