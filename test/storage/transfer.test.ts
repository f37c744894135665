// Artifacts on top of any client: archived and unarchived, subPath, copies, and hostile keys.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  artifactKind,
  copyArtifact,
  loadArtifact,
  LocalStorageClient,
  NotFoundError,
  saveArtifact,
  StorageArtifactStore,
  StorageError,
  type StorageClient,
} from "../../src/storage/index.ts";
import { newS3Client, s3Available, s3Required, tempDir } from "./helpers.ts";

const root = tempDir("transfer");
const src = join(root, "src");
mkdirSync(join(src, "sub", "deeper"), { recursive: true });
writeFileSync(join(src, "a.txt"), "A");
writeFileSync(join(src, "sub", "b.txt"), "B");
writeFileSync(join(src, "sub", "deeper", "c.txt"), "C");
writeFileSync(join(root, "single.txt"), "single");

const clients: Array<[string, () => StorageClient]> = [["local", () => new LocalStorageClient(join(root, "store"))]];
if (s3Available || s3Required) clients.push(["s3", () => newS3Client()]);

const read = (p: string) => readFileSync(p, "utf8");

describe.each(clients)("artifacts on the %s store", (name, make) => {
  const c = make();
  const out = (x: string) => join(root, "out", name, x);

  it("archived: one .tgz object, unpacked to the same tree", async () => {
    await saveArtifact(c, src, "w/s/art.tgz");
    expect(await c.list("w/s/", true)).toEqual(["w/s/art.tgz"]);
    expect(await artifactKind(c, "w/s/art.tgz")).toBe("object");
    await loadArtifact(c, "w/s/art.tgz", out("tar"));
    expect(read(out("tar/a.txt"))).toBe("A");
    expect(read(out("tar/sub/deeper/c.txt"))).toBe("C");
  });

  it("unarchived: one object per file, loadable whole or by subPath", async () => {
    await saveArtifact(c, src, "w/s/raw", { archive: null });
    expect(await c.list("w/s/raw/", true)).toEqual(["w/s/raw/a.txt", "w/s/raw/sub/b.txt", "w/s/raw/sub/deeper/c.txt"]);
    expect(await artifactKind(c, "w/s/raw")).toBe("tree");
    await loadArtifact(c, "w/s/raw", out("raw"));
    expect(read(out("raw/sub/b.txt"))).toBe("B");
    await loadArtifact(c, "w/s/raw", out("raw-sub"), { subPath: "sub" });
    expect(readdirSync(out("raw-sub")).sort()).toEqual(["b.txt", "deeper"]);
    await loadArtifact(c, "w/s/raw", out("raw-file"), { subPath: "sub/deeper/c.txt" });
    expect(read(out("raw-file"))).toBe("C");
  });

  it("subPath also works inside an archive", async () => {
    await loadArtifact(c, "w/s/art.tgz", out("tar-sub"), { subPath: "sub/deeper" });
    expect(readdirSync(out("tar-sub"))).toEqual(["c.txt"]);
    await expect(loadArtifact(c, "w/s/art.tgz", out("tar-nosub"), { subPath: "nope" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(loadArtifact(c, "w/s/art.tgz", out("tar-bad"), { subPath: "../x" })).rejects.toBeInstanceOf(StorageError);
  });

  it("a single file, archived or not, comes back as that file", async () => {
    await saveArtifact(c, join(root, "single.txt"), "w/one.tgz");
    await saveArtifact(c, join(root, "single.txt"), "w/one", { archive: null });
    await loadArtifact(c, "w/one.tgz", out("one-tar"));
    await loadArtifact(c, "w/one", out("one-raw"));
    expect(read(out("one-tar"))).toBe("single");
    expect(read(out("one-raw"))).toBe("single");
  });

  it("copies artifacts inside the store", async () => {
    await copyArtifact(c, "w/s/raw", "w/copy/raw");
    await copyArtifact(c, "w/s/art.tgz", "w/copy/art.tgz");
    expect(await c.list("w/copy/", true)).toEqual(["w/copy/art.tgz", "w/copy/raw/a.txt", "w/copy/raw/sub/b.txt", "w/copy/raw/sub/deeper/c.txt"]);
    await expect(copyArtifact(c, "w/none", "w/x")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a missing artifact is NotFoundError and leaves the destination alone", async () => {
    mkdirSync(out("keep"), { recursive: true });
    writeFileSync(out("keep/x"), "x");
    await expect(loadArtifact(c, "w/missing", out("keep"))).rejects.toBeInstanceOf(NotFoundError);
    expect(read(out("keep/x"))).toBe("x");
  });

  it("the engine adapter keeps a run's artifacts under its prefix", async () => {
    const store = new StorageArtifactStore(c, { prefix: "wf-123" });
    await store.save(src, "step-a/outputs/artifacts/out");
    await store.save(src, "step-b/outputs/artifacts/out", null);
    expect(await c.list("wf-123/", true)).toContain("wf-123/step-a/outputs/artifacts/out.tgz");
    expect(await store.exists("step-a/outputs/artifacts/out")).toBe(true);
    expect(await store.exists("step-b/outputs/artifacts/out", "sub/b.txt")).toBe(true);
    expect(await store.exists("step-c/outputs/artifacts/out")).toBe(false);
    await store.load("step-a/outputs/artifacts/out", out("eng-a"));
    await store.load("step-b/outputs/artifacts/out", out("eng-b"), "sub");
    expect(read(out("eng-a/a.txt"))).toBe("A");
    expect(read(out("eng-b/b.txt"))).toBe("B");
    expect(store.localPath("x")).toBeUndefined();
  });
});

/** A StorageClient plugged in by a user: here, one whose listing returns hostile keys. */
class HostileClient implements StorageClient {
  constructor(private readonly keys: string[]) {}
  async upload(): Promise<void> {}
  async download(_key: string, path: string): Promise<void> {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "evil");
  }
  async list(prefix: string): Promise<string[]> {
    return prefix.endsWith("/") ? this.keys : [`${prefix}/`];
  }
  async copy(): Promise<void> {}
}

describe("keys from a store are data too", () => {
  it.each([["art/../../escape"], ["art//abs"], ["art/x/../../../escape"]])("a listed key %j cannot place a file outside", async (key) => {
    const dest = join(root, "hostile", "dest");
    mkdirSync(join(root, "hostile"), { recursive: true });
    await expect(loadArtifact(new HostileClient([key]), "art", dest)).rejects.toBeInstanceOf(StorageError);
    expect(readdirSync(join(root, "hostile"))).toEqual([]);
    expect(existsSync(join(root, "escape"))).toBe(false);
  });

  it("a source tree with a link loop is refused", async () => {
    const loop = join(root, "loop");
    mkdirSync(loop);
    symlinkSync(loop, join(loop, "self"));
    await expect(saveArtifact(new LocalStorageClient(join(root, "store-loop")), loop, "l", { archive: null })).rejects.toThrow(/link loop/);
  });
});
