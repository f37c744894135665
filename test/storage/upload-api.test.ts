import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { downloadArtifact, uploadArtifact, UploadedArtifact } from "../../src/api/artifact-api.ts";
import { config } from "../../src/api/config.ts";
import { Artifact, defineOp, InputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { readArtifact } from "../../src/op/artifact-index.ts";
import {
  LocalStorageClient,
  loadArtifact,
  S3StorageClient,
  s3ConfigFromEnv,
  storageFromConfig,
  type StorageClient,
} from "../../src/storage/index.ts";
import { newS3Client, s3Available, s3Required, tempDir } from "./helpers.ts";

const root = tempDir("upload");
const cwd = join(root, "work");
mkdirSync(join(cwd, "data", "inner"), { recursive: true });
writeFileSync(join(cwd, "foo.txt"), "foo");
writeFileSync(join(cwd, "bar.txt"), "bar");
writeFileSync(join(cwd, "data", "inner", "x.txt"), "x");
const outside = join(root, "elsewhere", "far.txt"); // outside cwd: kept under its absolute path
mkdirSync(join(root, "elsewhere"));
writeFileSync(outside, "far");

const clients: Array<[string, () => StorageClient]> = [["local", () => new LocalStorageClient(join(root, "store"))]];
if (s3Available || s3Required) clients.push(["s3", () => newS3Client()]);

const read = (p: string) => readFileSync(p, "utf8");

describe.each(clients)("uploadArtifact / downloadArtifact on the %s store", (name, make) => {
  const storage = make();
  const dl = (x: string) => join(root, "dl", name, x);

  it("one relative file: keeps its relative path; key upload/<uuid>/<name>.tgz", async () => {
    const a = await uploadArtifact("foo.txt", { storage, cwd, archive: "tar" });
    expect(a.key).toMatch(/^upload\/[0-9a-f-]{36}\/foo\.txt\.tgz$/);
    expect(a.toArgument("foo")).toEqual({ name: "foo", s3: { key: a.key } });
    const got: string = await downloadArtifact(a, { path: dl("one") });
    expect(got).toBe(dl("one/foo.txt"));
    expect(read(got)).toBe("foo");
  });

  it("a list keeps its order and shape; a path outside cwd keeps its absolute path", async () => {
    const a = await uploadArtifact(["bar.txt", "data", outside], { storage, cwd });
    const got: string[] = await downloadArtifact(a, { path: dl("list") });
    expect(got).toEqual([dl("list/bar.txt"), dl("list/data"), join(dl("list"), outside)]);
    expect(read(join(got[1]!, "inner/x.txt"))).toBe("x");
    expect(read(got[2]!)).toBe("far");
  });

  it("records and nested records keep their shape", async () => {
    const a = await uploadArtifact({ f: "foo.txt", d: { deep: "data/inner/x.txt" } }, { storage, cwd });
    expect(a.shape).toBe("nested");
    const got = await downloadArtifact(a, { path: dl("rec") });
    expect(got).toEqual({ f: dl("rec/foo.txt"), d: { deep: dl("rec/data/inner/x.txt") } });
    const m = await uploadArtifact({ a: "foo.txt", b: "bar.txt" }, { storage, cwd });
    expect(m.shape).toBe("pathMap");
  });

  it("unarchived: files as they are, archive none in the argument", async () => {
    const a = await uploadArtifact(["foo.txt", "data"], { storage, cwd, archive: null });
    expect(a.key).toMatch(/^upload\/[0-9a-f-]{36}\/artifact$/);
    expect(a.toArgument("d")).toEqual({ name: "d", s3: { key: a.key }, archive: { none: {} } });
    expect(await storage.list(`${a.key}/`, true)).toEqual([`${a.key}/.dflow-artifact.json`, `${a.key}/data/inner/x.txt`, `${a.key}/foo.txt`]);
    expect(await downloadArtifact(a, { path: dl("raw") })).toEqual([dl("raw/foo.txt"), dl("raw/data")]);
  });

  it("an OP reading the input gets the uploaded shape (what the engine stages)", async () => {
    const a = await uploadArtifact(["foo.txt", "data/inner/x.txt"], { storage, cwd });
    await loadArtifact(storage, a.key, dl("staged/inputs/artifacts/files"));
    const paths = readArtifact(dl("staged/inputs/artifacts/files"), "paths") as string[];
    expect(paths.map(read)).toEqual(["foo", "x"]);
  });

  it("downloads by key, merging into an existing directory", async () => {
    const a = await uploadArtifact("data", { storage, cwd });
    mkdirSync(dl("merge/data"), { recursive: true });
    writeFileSync(dl("merge/data/mine.txt"), "mine");
    const got = await downloadArtifact(a.key, { path: dl("merge"), storage });
    expect(got).toBe(dl("merge/data"));
    expect(read(dl("merge/data/mine.txt"))).toBe("mine");
    expect(read(dl("merge/data/inner/x.txt"))).toBe("x");
  });

  it("a missing path is a clear error, before anything is stored", async () => {
    await expect(uploadArtifact(["foo.txt", "nope.txt"], { storage, cwd })).rejects.toThrow(/nope\.txt does not exist/);
  });
});

describe("defaults: config.archiveMode and the configured store", () => {
  const saved = { root: config.root, archiveMode: config.archiveMode };
  afterEach(() => Object.assign(config, saved));

  it("uses config.archiveMode and the local store under config.root when no S3 is configured", async () => {
    if (s3ConfigFromEnv().endpoint) return; // the environment points the default store at S3
    config.root = join(root, "runs");
    config.archiveMode = null;
    const a = await uploadArtifact("foo.txt", { cwd });
    expect(a.archive).toBeNull();
    const local = new LocalStorageClient(join(root, "runs", ".storage"));
    expect(await local.list(`${a.key}/`, true)).toContain(`${a.key}/foo.txt`);
    expect(await downloadArtifact(a, { path: join(root, "dl-default") })).toBe(join(root, "dl-default", "foo.txt"));
  });

  it("storageFromConfig: a plugged-in client wins, then S3 with an endpoint, else local", () => {
    const mine = new LocalStorageClient(join(root, "mine"));
    expect(storageFromConfig({ storageClient: mine, endpoint: "x:1" })).toBe(mine);
    const s3 = storageFromConfig({ endpoint: "127.0.0.1:9", bucket: "b", accessKey: "a", secretKey: "s" });
    expect(s3).toBeInstanceOf(S3StorageClient);
    expect((s3 as S3StorageClient).bucket).toBe("b");
    const local = storageFromConfig({}, join(root, "lr"));
    expect(local).toBeInstanceOf(LocalStorageClient);
    expect((local as LocalStorageClient).root).toBe(join(root, "lr"));
  });

  it("s3ConfigFromEnv reads DFLOW_S3_* with AWS_* as fallbacks", () => {
    expect(s3ConfigFromEnv({ AWS_ENDPOINT_URL: "https://s3.example", AWS_ACCESS_KEY_ID: "ak", AWS_SECRET_ACCESS_KEY: "sk", AWS_REGION: "eu-west-1" })).toEqual({
      endpoint: "https://s3.example", bucket: "my-bucket", accessKey: "ak", secretKey: "sk", region: "eu-west-1", pathStyle: true, secure: false, prefix: "",
    });
    expect(s3ConfigFromEnv({
      DFLOW_S3_ENDPOINT: "minio:9000", AWS_ENDPOINT_URL: "ignored", DFLOW_S3_BUCKET: "bk", DFLOW_S3_ACCESS_KEY: "a", DFLOW_S3_SECRET_KEY: "s",
      DFLOW_S3_REGION: "r", DFLOW_S3_PATH_STYLE: "false", DFLOW_S3_SECURE: "1", DFLOW_S3_PREFIX: "p",
    })).toEqual({ endpoint: "minio:9000", bucket: "bk", accessKey: "a", secretKey: "s", region: "r", pathStyle: false, secure: true, prefix: "p" });
  });
});

describe("an uploaded artifact is a step input", () => {
  const consume = defineOp({
    name: "consume",
    inputs: { foo: Artifact.path(), many: Artifact.paths() },
    outputs: {},
    run: () => ({}),
  });
  const shell = new ShellOPTemplate({ name: "cat", script: "cat /tmp/in", inputs: { artifacts: { data: new InputArtifact({ path: "/tmp/in" }) } } });

  it("compiles to s3 keys in the step's arguments", () => {
    const one = new UploadedArtifact<string>("upload/u1/foo.txt.tgz", "tar", "path");
    const list = new UploadedArtifact<string[]>("upload/u2/artifact", null, "paths");
    const wf = new Workflow({ name: "up" });
    wf.add(new Step({ name: "use", template: consume, artifacts: { foo: one, many: list } }));
    wf.add(new Step({ name: "cat", template: shell, artifacts: { data: one } }));
    const m = wf.compile({ bundle: "omit" });
    const steps = m.spec.templates!.find((t) => t.name === "up")!.steps!;
    expect(steps[0]![0]!.arguments!.artifacts).toEqual([
      { name: "foo", s3: { key: "upload/u1/foo.txt.tgz" } },
      { name: "many", s3: { key: "upload/u2/artifact" }, archive: { none: {} } },
    ]);
    expect(steps[1]![0]!.arguments!.artifacts).toEqual([{ name: "data", s3: { key: "upload/u1/foo.txt.tgz" } }]);
  });
});
