// ArgoBackend (what Workflow calls in argo mode) against the swagger CONTRACT STUB, not a live
// Argo: the stub replays scripted statuses; these tests check the calls and the records/events.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ArgoApiError, argoBackendFromEnv, podName, type ArgoBackend, type ServerWorkflowStatus } from "../../src/argo/client/index.ts";
import type { EngineEvent } from "../../src/engine/types.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";
import { hello } from "./fixtures/hello.ts";
import { id, liveWorkflow, WF } from "./fixtures/live-status.ts";

function frames(): ServerWorkflowStatus[] {
  const final = liveWorkflow().status!;
  const nodes = final.nodes!;
  const root = nodes[WF]!;
  const group = nodes[id(`${WF}[0]`)]!;
  const gen = nodes[id(`${WF}[0].gen`)]!;
  const running = { phase: "Running" as const, finishedAt: undefined };
  const strip = <T extends object>(o: T) => JSON.parse(JSON.stringify(o)) as T;
  return [
    { phase: "Pending" },
    strip({ phase: "Running", startedAt: final.startedAt, nodes: { [WF]: { ...root, ...running, message: undefined }, [group.id]: { ...group, ...running, children: [gen.id] }, [gen.id]: { ...gen, phase: "Pending", startedAt: undefined, finishedAt: undefined, outputs: undefined, children: undefined } } }),
    strip({ phase: "Running", startedAt: final.startedAt, nodes: { [WF]: { ...root, ...running, message: undefined }, [group.id]: { ...group, ...running, children: [gen.id] }, [gen.id]: { ...gen, ...running, progress: "0/1", outputs: undefined, children: undefined } } }),
    final,
  ];
}

describe.skipIf(!hasShared)("ArgoBackend against the swagger contract stub (not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let backend: ArgoBackend;

  beforeAll(async () => {
    stub = await startArgoStub();
    backend = argoBackendFromEnv({ env: { ARGO_SERVER: stub.server, ARGO_SECURE: "false", ARGO_TOKEN: `Bearer ${stub.token}` } });
  });
  afterAll(() => stub.close());
  afterEach(() => {
    expect(stub.violations).toEqual([]);
    expect(stub.stubErrors).toEqual([]);
  });

  it("submits a manifest and returns the server-generated name and uid", async () => {
    const sub = await backend.submit(hello);
    expect(sub).toEqual({ name: expect.stringMatching(/^hello-[a-z0-9]{5}$/), uid: expect.any(String), namespace: "argo" });
    expect(stub.workflows().map((w) => w.metadata.name)).toContain(sub.name);
  });

  it("submits with a fixed name, labels and parameter overrides", async () => {
    const manifest = { ...hello, spec: { ...hello.spec, arguments: { parameters: [{ name: "a", value: "1" }] } } };
    const sub = await backend.submit(manifest, { name: "fixed-1", labels: { run: "r1" }, parameters: { a: "2", b: "3" } });
    expect(sub.name).toBe("fixed-1");
    const sent = (stub.requests.at(-1)!.body as { workflow: typeof hello }).workflow;
    expect(sent.metadata).toEqual({ name: "fixed-1", labels: { app: "dflow-test", run: "r1" } });
    expect(sent.spec.arguments?.parameters).toEqual([{ name: "a", value: "2" }, { name: "b", value: "3" }]);
    expect(manifest.spec.arguments.parameters[0]!.value).toBe("1");
  });

  it("waits until a final phase, reporting workflow and step changes like the engine", async () => {
    await backend.submit(hello, { name: WF });
    stub.setStatus(WF, frames());
    const events: EngineEvent[] = [];
    const rec = await backend.wait(WF, { pollMs: 5, onEvent: (e) => events.push(e) });
    expect(rec.phase).toBe("Failed");
    expect(rec.steps.find((s) => s.name === "gen")?.outputs.parameters).toEqual({ items: "[1,2]" });
    const wfPhases = events.filter((e) => e.type === "workflow").map((e) => e.phase);
    expect(wfPhases).toEqual(["Pending", "Running", "Failed"]);
    const gen = events.filter((e): e is Extract<EngineEvent, { type: "step" }> => e.type === "step" && e.step.name === "gen").map((e) => e.change);
    expect(gen).toEqual(["created", "started", "finished"]);
    const skipped = events.filter((e) => e.type === "step" && e.step.name === "maybe").map((e) => (e as { change: string }).change);
    expect(skipped).toEqual(["created", "finished"]);
  });

  it("gives up waiting after timeoutMs with a user-facing error", async () => {
    const { name } = await backend.submit(hello);
    stub.setStatus(name, [{ phase: "Running" }]);
    const e = await backend.wait(name, { pollMs: 5, timeoutMs: 30 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArgoApiError);
    expect((e as ArgoApiError).message).toMatch(/still Running after 30 ms/);
  });

  it("terminates, retries, resubmits and deletes", async () => {
    const { name } = await backend.submit(hello);
    await backend.record(name);
    await backend.terminate(name);
    expect((await backend.record(name)).phase).toBe("Failed");
    expect((await backend.retry(name)).phase).toBe("Running");
    const again = await backend.resubmit(name);
    expect(again.name).toMatch(new RegExp(`^${name}-`));
    await backend.delete(name);
    const e = await backend.record(name).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: "not-found" });
  });

  it("streams the logs of all pods or of one step (by name, key or id)", async () => {
    const name = "logs-wf";
    await backend.submit(hello, { name: "logs-wf" });
    const live = liveWorkflow();
    const renamed = JSON.parse(JSON.stringify(live.status).replaceAll(WF, name)) as ServerWorkflowStatus;
    stub.setStatus(name, [renamed]);
    const pod = (n: string) => podName({ metadata: { name } } as never, { id: "", name: `${name}${n}`, templateName: n.includes("gen") ? "gen" : "square" });
    stub.setLogs(name, [
      { podName: pod("[0].gen"), content: "generating" },
      { podName: pod("[1].square(0:1)"), content: "1*1" },
      { podName: pod("[1].square(1:2)(1)"), content: "2*2" },
      { podName: "unknown-pod", content: "?" },
    ]);
    const all = [];
    for await (const e of backend.logs(name)) all.push(`${e.step}|${e.content}`);
    expect(all).toEqual(["gen|generating", "square(0:1)|1*1", "square(1:2)(1)|2*2", "|?"]);
    const one = [];
    for await (const e of backend.logs(name, "gen-key")) one.push(e.content);
    expect(one).toEqual(["generating"]);
    const loop = [];
    for await (const e of backend.logs(name, "square")) loop.push(e.content);
    expect(loop).toEqual(["1*1", "2*2"]);
    expect(stub.requests.filter((r) => r.operationId === "WorkflowService_WorkflowLogs").at(-1)!.query.podName).toEqual([pod("[1].square(1:2)(1)")]);
    await expect(backend.logs(name, "nope").next()).rejects.toThrow(/no pod step "nope"/);
  });
});
