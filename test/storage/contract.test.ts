// The same contract for every StorageClient: the local store always, S3 (radosgw) when it answers.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalStorageClient, NotFoundError, StorageError, md5File, type StorageClient } from "../../src/storage/index.ts";
import { newS3Client, s3Available, s3Required, s3SkipReason, tempDir } from "./helpers.ts";

const root = tempDir("contract");
const clients: Array<[string, () => StorageClient]> = [["LocalStorageClient", () => new LocalStorageClient(join(root, "store"))]];
if (s3Available || s3Required) clients.push(["S3StorageClient (radosgw)", () => newS3Client()]);
else console.warn(`[storage contract] S3StorageClient skipped: ${s3SkipReason}`);

let n = 0;
function file(content: string | Buffer): string {
  const p = join(root, `f${n++}`);
  writeFileSync(p, content);
  return p;
}

describe.each(clients)("StorageClient contract: %s", (_name, make) => {
  const c = make();
  const out = (name: string) => join(root, "out", `${_name.split(" ")[0]}-${name}`);

  it("round-trips a file, with its md5", async () => {
    const src = file("hello storage");
    await c.upload("a/b/hello.txt", src);
    await c.download("a/b/hello.txt", out("hello.txt"));
    expect(readFileSync(out("hello.txt"), "utf8")).toBe("hello storage");
    expect(await c.getMd5?.("a/b/hello.txt")).toBe(await md5File(src));
  });

  it("round-trips an empty file and overwrites an existing key", async () => {
    await c.upload("empty", file(""));
    await c.download("empty", out("empty"));
    expect(readFileSync(out("empty"), "utf8")).toBe("");
    await c.upload("empty", file("now full"));
    await c.download("empty", out("empty"));
    expect(readFileSync(out("empty"), "utf8")).toBe("now full");
  });

  it("lists keys under a prefix, folding sub-prefixes unless recursive, sorted", async () => {
    for (const k of ["l/x/1", "l/x/2", "l/y", "l/z/deep/3", "lz", "l/a b"]) await c.upload(k, file(k));
    expect(await c.list("l/")).toEqual(["l/a b", "l/x/", "l/y", "l/z/"]);
    expect(await c.list("l/", true)).toEqual(["l/a b", "l/x/1", "l/x/2", "l/y", "l/z/deep/3"]);
    expect(await c.list("l")).toEqual(["l/", "lz"]);
    expect(await c.list("l/x")).toEqual(["l/x/"]);
    expect(await c.list("l/x/", true)).toEqual(["l/x/1", "l/x/2"]);
    expect(await c.list("nothing/")).toEqual([]);
  });

  it("copies inside the store, keeping content and md5", async () => {
    const src = file("copy me");
    await c.upload("c/src", src);
    await c.copy("c/src", "c/dst/copied");
    await c.download("c/dst/copied", out("copied"));
    expect(readFileSync(out("copied"), "utf8")).toBe("copy me");
    expect(await c.getMd5?.("c/dst/copied")).toBe(await md5File(src));
    expect(await c.list("c/", true)).toEqual(["c/dst/copied", "c/src"]);
  });

  it("reports a missing key as NotFoundError and writes nothing", async () => {
    await expect(c.download("no/such/key", out("missing"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.copy("no/such/key", "x")).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(out("missing"))).toBe(false);
  });

  it.each(["", "/abs", "a/../b", "..", "a//b", "a/./b", "a/", "a\\b", "nul\0"])("rejects the key %j", async (key) => {
    const src = file("x");
    await expect(c.upload(key, src)).rejects.toBeInstanceOf(StorageError);
    await expect(c.download(key, out("bad"))).rejects.toBeInstanceOf(StorageError);
    await expect(c.copy("a", key)).rejects.toThrow();
  });

  it("rejects unsafe listing prefixes", async () => {
    await expect(c.list("../")).rejects.toBeInstanceOf(StorageError);
    await expect(c.list("/x")).rejects.toBeInstanceOf(StorageError);
  });

  it("an aborted download leaves neither the file nor a temporary one", async () => {
    await c.upload("abort/src", file(Buffer.alloc(4 << 20, 1)));
    const dir = join(root, "out", `abort-${_name.split(" ")[0]}`);
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(c.download("abort/src", join(dir, "f"), { signal: ac.signal })).rejects.toThrow();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("an upload with a wrong md5 fails with a checksum error and stores nothing", async () => {
    await expect(c.upload("md5/bad", file("content"), { md5: "0".repeat(32) })).rejects.toMatchObject({ name: "ChecksumError" });
    expect(await c.list("md5/")).toEqual([]);
  });
});
