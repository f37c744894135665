// `dflow argo …` end to end against the swagger CONTRACT STUB (not a live Argo): the CLI runs as
// a child process with ARGO_* variables pointing at the stub.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, repoRoot, SHARED_MISSING } from "../helpers/shared.ts";
import { hello } from "./fixtures/hello.ts";
import { hasOpenssl } from "./stub/tls.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function dflow(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ARGO_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, "bin/dflow.js"), "argo", ...args], { cwd: repoRoot, env: { ...clean, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!hasShared)("dflow argo (CLI) against the swagger contract stub (not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let env: Record<string, string>;
  let yamlFile: string;

  beforeAll(async () => {
    stub = await startArgoStub();
    env = { ARGO_SERVER: stub.server, ARGO_SECURE: "false", ARGO_TOKEN: stub.token };
    yamlFile = path.join(mkdtempSync(path.join(tmpdir(), "dflow-argo-cli-")), "hello.yaml");
    writeFileSync(yamlFile, stringify(hello));
  });
  afterAll(() => stub.close());
  afterEach(() => {
    expect(stub.violations).toEqual([]);
    expect(stub.stubErrors).toEqual([]);
  });

  it("version", async () => {
    const r = await dflow(env, "version");
    expect(r).toMatchObject({ code: 0, stdout: "v4.1.2 (f016ad89, linux/amd64)\n", stderr: "" });
  });

  it("submits a YAML manifest as is, then status, list, logs, stop, retry, resubmit, delete", async () => {
    const sub = await dflow(env, "submit", yamlFile);
    expect(sub.stderr).toBe("");
    const name = sub.stdout.trim();
    expect(name).toMatch(/^hello-[a-z0-9]{5}$/);
    expect((stub.requests.at(-1)!.body as { workflow: unknown }).workflow).toEqual(hello);

    const status = await dflow(env, "status", name);
    expect(status.stdout).toMatch(new RegExp(`^${name}  Pending`));
    expect(status.stdout).toContain("STEP");
    const json = JSON.parse((await dflow(env, "status", "--json", name)).stdout) as { id: string; phase: string };
    expect(json).toMatchObject({ id: name, phase: "Running" });

    const list = await dflow(env, "list", "-l", "app=dflow-test", "--chunk-size", "1");
    expect(list.stdout).toMatch(new RegExp(`^NAME\\s+PHASE[\\s\\S]*${name}`));

    stub.setStatus(name, [{ phase: "Running" }]);
    stub.setLogs(name, [{ podName: `${name}-main-1`, content: "hi" }]);
    expect((await dflow(env, "logs", name)).stdout).toBe(`${name}-main-1: hi\n`);

    expect((await dflow(env, "stop", name)).stdout).toBe(`${name}: stopped\n`);
    expect((await dflow(env, "retry", name)).stdout).toBe(`${name}: retried\n`);
    expect((await dflow(env, "resubmit", "--memoized", name)).stdout).toMatch(new RegExp(`^${name}-[a-z0-9]{5}\\n$`));
    expect((await dflow(env, "delete", name)).stdout).toBe(`${name}: deleted\n`);
  });

  it("submits a .ts workflow compiled, with -p overrides, and waits", async () => {
    // Its bundle is above the inline limit, and no repository is configured to ship it in.
    const noS3 = { DFLOW_S3_ENDPOINT: "", AWS_ENDPOINT_URL_S3: "", AWS_ENDPOINT_URL: "" };
    const creates = stub.requests.filter((q) => q.operationId === "WorkflowService_CreateWorkflow").length;
    const refused = await dflow({ ...env, ...noS3 }, "submit", "examples/dag.ts");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^dflow: OP "plus-one": its bundle is [\d.]+ KiB, above the inline limit of 64\.0 KiB, .*no artifact repository is configured/);
    expect(stub.requests.filter((q) => q.operationId === "WorkflowService_CreateWorkflow").length).toBe(creates);
    const r = await dflow({ ...env, ...noS3, DFLOW_INLINE_BUNDLE_LIMIT: "Infinity" }, "submit", "examples/dag.ts", "--wait", "--poll", "10");
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    expect(r.stderr).toContain(`${name} Succeeded`);
    const sent = stub.requests.find((q) => q.operationId === "WorkflowService_CreateWorkflow" && (q.body as { workflow: { metadata: { generateName?: string } } }).workflow.metadata.generateName === "dag-")!;
    expect(sent).toBeDefined();
    expect(await dflow(env, "submit", "-p", "oops", yamlFile)).toMatchObject({ code: 1, stderr: "dflow: -p oops: expected name=value\n" });
    expect((await dflow(env, "submit", "-p", "x=1", "-p", "y=a=b", yamlFile)).code).toBe(0);
    expect((stub.requests.at(-1)!.body as { workflow: typeof hello }).workflow.spec.arguments).toEqual({ parameters: [{ name: "x", value: "1" }, { name: "y", value: "a=b" }] });
  });

  it("lints a file and a .ts module", async () => {
    expect((await dflow(env, "lint", yamlFile)).stdout).toBe("hello-: ok\n");
    expect(stub.requests.at(-1)!.operationId).toBe("WorkflowService_LintWorkflow");
    expect((await dflow(env, "lint", "examples/dag.ts")).stdout).toBe("dag-: ok\n");
  });

  it("lets --server/--token/--namespace override the environment", async () => {
    const r = await dflow({ ARGO_SERVER: "127.0.0.1:1", ARGO_TOKEN: "wrong", ARGO_SECURE: "true" }, "--server", stub.server, "--token", stub.token, "--no-secure", "-n", "default", "list");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(stub.requests.at(-1)!.path).toBe("/api/v1/workflows/default");
  });

  it("prints server and configuration errors in one line, without a stack", async () => {
    const missing = await dflow(env, "status", "no-such");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('dflow: argo-server answered 404 on GET /api/v1/workflows/argo/no-such: workflows.argoproj.io "no-such" not found (no workflow "no-such" in namespace "argo": check the workflow name and ARGO_NAMESPACE)\n');
    const anon = await dflow({ ARGO_SERVER: stub.server, ARGO_SECURE: "false" }, "list");
    expect(anon.stderr).toMatch(/^dflow: argo-server answered 401 .*set ARGO_TOKEN/);
    expect(anon.stderr.split("\n")).toHaveLength(2);
    const none = await dflow({}, "version");
    expect(none.stderr).toMatch(/^dflow: argo-server: ARGO_SERVER is not set/);
    const badFile = await dflow(env, "submit", "nope.yaml");
    expect(badFile.stderr).toBe("dflow: no such file: nope.yaml\n");
  });

  it.skipIf(!hasOpenssl())("--insecure skips verification of a self-signed certificate", async () => {
    const tls = await startArgoStub({ tls: true });
    try {
      const base = { ARGO_SERVER: tls.server, ARGO_TOKEN: tls.token };
      expect((await dflow(base, "version")).stderr).toMatch(/certificate is not trusted/);
      expect((await dflow(base, "--insecure", "version")).code).toBe(0);
      expect((await dflow(base, "--ca-file", tls.caFile!, "version")).code).toBe(0);
      expect(tls.violations).toEqual([]);
    } finally {
      await tls.close();
    }
  });
});
