// CONTRACT TESTS, NOT A LIVE ARGO: every call of the REST client goes to an in-process stub that
// checks it against argo-server's swagger.json (../shared/argo, Argo v4.1.2) and records any
// violation; each test ends by asserting there were none. No Kubernetes or Argo runs here.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ArgoApiError, ArgoClient, type ServerWorkflow } from "../../src/argo/client/index.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";
import { hello } from "./fixtures/hello.ts";
import { hasOpenssl } from "./stub/tls.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<ArgoApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ArgoApiError);
  return e as ArgoApiError;
}

describe.skipIf(!hasShared)("ArgoClient against the swagger contract stub (not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let client: ArgoClient;

  beforeAll(async () => {
    stub = await startArgoStub();
    client = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_SECURE: "false", ARGO_TOKEN: stub.token } });
  });
  afterAll(() => stub.close());
  afterEach(() => {
    expect(stub.violations).toEqual([]);
    expect(stub.stubErrors).toEqual([]);
  });

  it("creates a workflow: the server names it from generateName", async () => {
    const wf = await client.create(hello);
    expect(wf.metadata.name).toMatch(/^hello-[a-z0-9]{5}$/);
    expect(wf.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(wf.metadata.namespace).toBe("argo");
    const req = stub.requests.at(-1)!;
    expect(req).toMatchObject({ method: "POST", path: "/api/v1/workflows/argo", authorization: `Bearer ${stub.token}` });
    expect(req.body).toEqual({ namespace: "argo", workflow: hello });
  });

  it("surfaces argo-server's refusal of a variable it cannot resolve (its validation, re-stated by the stub)", async () => {
    const bad = structuredClone(hello);
    const t = bad.spec.templates!.find((x) => x.script || x.container)!;
    if (t.script) t.script.source += "\necho {{inputs.parameters.nope}}";
    else t.container!.args = [...(t.container!.args ?? []), "{{inputs.parameters.nope}}"];
    await expect(client.create(bad)).rejects.toThrow(/400[\s\S]*failed to resolve \{\{inputs\.parameters\.nope\}\}/);
  });

  it("creates with serverDryRun without storing", async () => {
    const before = stub.workflows().length;
    await client.create(hello, { serverDryRun: true });
    expect(stub.workflows()).toHaveLength(before);
  });

  it("gets a workflow, its status advancing as scripted", async () => {
    const { metadata } = await client.create(hello);
    const phases: string[] = [];
    for (let i = 0; i < 4; i++) phases.push((await client.get(metadata.name!)).status?.phase ?? "");
    expect(phases).toEqual(["Pending", "Running", "Succeeded", "Succeeded"]);
    const fields = await client.get(metadata.name!, { fields: "metadata.name,status.phase" });
    expect(fields).toEqual({ metadata: { name: metadata.name }, status: { phase: "Succeeded" } });
  });

  it("suspends, resumes, stops, terminates, retries, resubmits and deletes", async () => {
    const name = (await client.create(hello)).metadata.name!;
    expect((await client.suspend(name)).spec).toMatchObject({ suspend: true });
    expect((await client.resume(name)).spec).not.toHaveProperty("suspend");
    const stopped = await client.stop(name, { message: "enough" });
    expect(stopped.status).toMatchObject({ phase: "Failed", message: "Stopped with strategy 'Stop'" });
    expect((await client.retry(name, { restartSuccessful: true, nodeFieldSelector: "phase=Failed" })).status?.phase).toBe("Running");

    const other = (await client.create(hello)).metadata.name!;
    expect((await client.terminate(other)).status?.message).toBe("Stopped with strategy 'Terminate'");
    const again = await client.resubmit(other, { memoized: true });
    expect(again.metadata.name).toMatch(new RegExp(`^${other}-[a-z0-9]{5}$`));
    expect(stub.requests.at(-1)!.body).toEqual({ name: other, namespace: "argo", memoized: true });

    await client.delete(other, { force: true });
    expect(stub.workflows().map((w) => w.metadata.name)).not.toContain(other);
    expect((await rejection(client.get(other))).status).toBe(404);
  });

  it("lists with a label selector and pages through continue tokens", async () => {
    const ns = "default";
    for (let i = 0; i < 5; i++) await client.create({ ...hello, metadata: { generateName: "page-", labels: { batch: "b1", i: String(i) } } }, { namespace: ns });
    await client.create({ ...hello, metadata: { generateName: "other-", labels: { batch: "b2" } } }, { namespace: ns });

    const first = await client.list({ namespace: ns, labelSelector: "batch=b1", limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    const all = await collect(client.listAll({ namespace: ns, labelSelector: "batch=b1", limit: 2 }));
    expect(all.map((w) => w.metadata.labels?.i)).toEqual(["0", "1", "2", "3", "4"]);
    const pages = stub.requests.filter((r) => r.operationId === "WorkflowService_ListWorkflows").slice(-3);
    expect(pages.map((r) => r.query["listOptions.limit"])).toEqual([["2"], ["2"], ["2"]]);
    expect(pages[1]!.query["listOptions.continue"]).toEqual([expect.any(String)]);

    const masked = await client.list({ namespace: ns, labelSelector: "batch in (b2)", fields: "items.metadata.name" });
    expect(masked.items).toEqual([{ metadata: { name: expect.stringMatching(/^other-/) } }]);
    expect((await client.list({ namespace: ns, labelSelector: "batch=none" })).items).toEqual([]);
  });

  it("treats a null items list (how a real server sends an empty list) as []", async () => {
    const s = await startArgoStub({ nullEmptyLists: true });
    try {
      const c = ArgoClient.fromEnv({ server: s.server, secure: false, token: s.token });
      expect(await c.list()).toEqual({ metadata: { resourceVersion: expect.any(String) }, items: [] });
      expect(await collect(c.listAll())).toEqual([]);
      expect(s.violations).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("lints a workflow and reads the server version", async () => {
    expect((await client.lint(hello)).spec.entrypoint).toBe("main");
    expect(stub.requests.at(-1)).toMatchObject({ path: "/api/v1/workflows/argo/lint", operationId: "WorkflowService_LintWorkflow" });
    expect((await client.version()).version).toBe("v4.1.2");
  });

  it("sends a fetched workflow back without its status", async () => {
    const name = (await client.create(hello)).metadata.name!;
    const fetched: ServerWorkflow = await client.get(name);
    await client.lint(fetched);
    expect(stub.requests.at(-1)!.body).not.toHaveProperty("workflow.status");
  });

  describe("logs", () => {
    it("streams JSON lines incrementally, across chunk and UTF-8 boundaries", async () => {
      const name = (await client.create(hello)).metadata.name!;
      const lines = Array.from({ length: 50 }, (_, i) => ({ podName: `${name}-main-${i % 2}`, content: `line ${i} é ✓ 🚀 ${"x".repeat(i)}` }));
      stub.setLogs(name, lines);
      expect(await collect(client.logs(name))).toEqual(lines);
      const req = stub.requests.at(-1)!;
      expect(req.query).toEqual({ "logOptions.container": ["main"] });
      expect(await collect(client.logs(name, { podName: `${name}-main-1`, follow: true, grep: "line 1" }))).toEqual(
        lines.filter((l) => l.podName.endsWith("-1") && l.content.includes("line 1")),
      );
      expect(stub.requests.at(-1)!.query).toEqual({ podName: [`${name}-main-1`], "logOptions.container": ["main"], "logOptions.follow": ["true"], grep: ["line 1"] });
    });

    it("stops reading when the consumer breaks out", async () => {
      const name = (await client.create(hello)).metadata.name!;
      stub.setLogs(name, Array.from({ length: 200 }, (_, i) => ({ podName: "p", content: String(i) })));
      const got: string[] = [];
      for await (const e of client.logs(name)) {
        got.push(e.content);
        if (got.length === 3) break;
      }
      expect(got).toEqual(["0", "1", "2"]);
    });

    it("surfaces an error sent inside the stream and a 404 before it", async () => {
      const name = (await client.create(hello)).metadata.name!;
      stub.setLogs(name, [{ podName: "p", content: "a" }], { error: { http_code: 500, grpc_code: 13, message: "pod vanished" } });
      const seen: string[] = [];
      const e = await rejection((async () => { for await (const l of client.logs(name)) seen.push(l.content); })());
      expect(seen).toEqual(["a"]);
      expect(e.message).toMatch(/pod vanished/);
      expect((await rejection(collect(client.logs("nope")))).kind).toBe("not-found");
    });
  });

  describe("errors", () => {
    it("401 without a token, with a hint naming ARGO_TOKEN", async () => {
      const anon = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_SECURE: "false" } });
      const e = await rejection(anon.version());
      expect(e).toMatchObject({ kind: "unauthorized", status: 401, code: 16, method: "GET", path: "/api/v1/version", userFacing: true });
      expect(e.message).toMatch(/401 on GET \/api\/v1\/version: token not valid.*set ARGO_TOKEN/);
      const wrong = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_SECURE: "false", ARGO_TOKEN: "Bearer wrong" } });
      expect((await rejection(wrong.list())).status).toBe(401);
    });

    it("403 names RBAC and the namespace", async () => {
      const s = await startArgoStub({ forbiddenNamespaces: ["secret"] });
      try {
        const c = ArgoClient.fromEnv({ env: { ARGO_SERVER: s.server, ARGO_SECURE: "false", ARGO_TOKEN: s.token, ARGO_NAMESPACE: "secret" } });
        const e = await rejection(c.list());
        expect(e).toMatchObject({ kind: "forbidden", status: 403, code: 7 });
        expect(e.hint).toMatch(/RBAC.*namespace "secret"/);
        expect(s.violations).toEqual([]);
      } finally {
        await s.close();
      }
    });

    it("404 names the workflow and the namespace", async () => {
      const e = await rejection(client.get("no-such-wf"));
      expect(e).toMatchObject({ kind: "not-found", status: 404, code: 5, serverMessage: 'workflows.argoproj.io "no-such-wf" not found' });
      expect(e.hint).toMatch(/no workflow "no-such-wf" in namespace "argo"/);
      const ns = await rejection(client.list({ namespace: "nowhere" }));
      expect(ns.hint).toMatch(/namespace "nowhere"/);
    });

    it("409 when the name is taken", async () => {
      const named = { ...hello, metadata: { name: "fixed-name" } };
      await client.create(named);
      const e = await rejection(client.create(named));
      expect(e).toMatchObject({ kind: "conflict", status: 409, code: 6 });
      expect(e.hint).toMatch(/already exists/);
    });

    it("a server error on a PUT is not retried; 503 on GET is, within bounds", async () => {
      const name = (await client.create(hello)).metadata.name!;
      stub.fault({ kind: "error", status: 500, code: 13, message: "boom" });
      const before = stub.requests.length;
      expect((await rejection(client.suspend(name))).kind).toBe("server");
      expect(stub.requests.length - before).toBe(1);

      const quick = ArgoClient.fromEnv({ server: stub.server, secure: false, token: stub.token, retries: 2, retryDelayMs: 5 });
      stub.fault({ kind: "error", status: 503, code: 14, message: "busy" }, { times: 2 });
      expect((await quick.get(name)).metadata.name).toBe(name);
      stub.fault({ kind: "error", status: 503, code: 14, message: "busy" }, { times: 3 });
      const e = await rejection(quick.get(name));
      expect(e.status).toBe(503);
    });

    it("retries a GET after a dropped connection, never a POST", async () => {
      const quick = ArgoClient.fromEnv({ server: stub.server, secure: false, token: stub.token, retryDelayMs: 5 });
      stub.fault({ kind: "reset" });
      expect((await quick.version()).version).toBe("v4.1.2");
      stub.fault({ kind: "reset" });
      const e = await rejection(quick.create(hello));
      expect(e.kind).toBe("connection");
    });

    it("times out a hanging request and says which server", async () => {
      const quick = ArgoClient.fromEnv({ server: stub.server, secure: false, token: stub.token, timeoutMs: 150, retries: 0 });
      stub.fault({ kind: "hang" });
      const e = await rejection(quick.version());
      expect(e.kind).toBe("timeout");
      expect(e.message).toContain(stub.server);
    });

    it("a non-JSON answer is a protocol error hinting at ARGO_SERVER/ARGO_BASE_HREF", async () => {
      stub.fault({ kind: "html", status: 200 });
      const e = await rejection(client.version());
      expect(e.kind).toBe("protocol");
      expect(e.hint).toMatch(/ARGO_BASE_HREF/);
    });

    it("connection refused names ARGO_SERVER", async () => {
      const s = await startArgoStub();
      const server = s.server;
      await s.close();
      const c = ArgoClient.fromEnv({ server, secure: false, token: "t", retries: 1, retryDelayMs: 5 });
      const e = await rejection(c.version());
      expect(e.kind).toBe("connection");
      expect(e.message).toMatch(/ECONNREFUSED.*check ARGO_SERVER/);
    });
  });

  it("serves under ARGO_BASE_HREF", async () => {
    const s = await startArgoStub({ basePath: "/argo/" });
    try {
      const c = ArgoClient.fromEnv({ env: { ARGO_SERVER: s.server, ARGO_SECURE: "false", ARGO_TOKEN: s.token, ARGO_BASE_HREF: "/argo/" } });
      expect((await c.version()).version).toBe("v4.1.2");
      expect(s.requests.at(-1)!.path).toBe("/argo/api/v1/version");
      expect(s.violations).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe.skipIf(!hasShared || !hasOpenssl())("ArgoClient over https (contract stub with a self-signed certificate)", () => {
  let stub: ArgoStub;
  beforeAll(async () => {
    stub = await startArgoStub({ tls: true });
  });
  afterAll(() => stub.close());
  afterEach(() => expect(stub.violations).toEqual([]));

  it("trusts the server through a CA file (https is the default, as in the argo CLI)", async () => {
    const c = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_TOKEN: stub.token, DFLOW_ARGO_CA_FILE: stub.caFile } });
    expect(c.config.baseUrl.protocol).toBe("https:");
    const name = (await c.create(hello)).metadata.name!;
    expect((await c.get(name)).metadata.name).toBe(name);
    stub.setLogs(name, [{ podName: "p", content: "over tls" }]);
    expect(await collect(c.logs(name))).toEqual([{ podName: "p", content: "over tls" }]);
  });

  it("skips verification with ARGO_INSECURE_SKIP_VERIFY", async () => {
    const c = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_TOKEN: stub.token, ARGO_INSECURE_SKIP_VERIFY: "true" } });
    expect((await c.version()).version).toBe("v4.1.2");
  });

  it("rejects the untrusted certificate otherwise, without retrying, and says what to do", async () => {
    const c = ArgoClient.fromEnv({ env: { ARGO_SERVER: stub.server, ARGO_TOKEN: stub.token } });
    const before = stub.requests.length;
    const e = await rejection(c.version());
    expect(e.kind).toBe("tls");
    expect(e.message).toMatch(/--ca-file.*ARGO_INSECURE_SKIP_VERIFY/);
    expect(stub.requests.length).toBe(before);
  });

  it("https against the plain-http stub hints at ARGO_SECURE=false", async () => {
    const plain = await startArgoStub();
    try {
      const e = await rejection(ArgoClient.fromEnv({ env: { ARGO_SERVER: plain.server, ARGO_TOKEN: plain.token } }).version());
      expect(e.kind).toBe("tls");
      expect(e.message).toMatch(/ARGO_SECURE=false/);
    } finally {
      await plain.close();
    }
  });
});
