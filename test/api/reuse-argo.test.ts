// submit({ reuseStep }) in argo mode against the swagger CONTRACT STUB (test/helpers/argo-stub.ts),
// not a live Argo: the stub checks the requests against argo-server's swagger.json and replays
// statuses written here in the shape Argo gives the transformed manifest. What that manifest does
// when run is checked in test/compile/reuse-semantics.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fnv32a, type ServerNodeStatus, type ServerWorkflow, type ServerWorkflowStatus } from "../../src/argo/client/index.ts";
import { REUSE_PARAMETER, reuseTableOf } from "../../src/argo/reuse-conventions.ts";
import { InputArtifact, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";

const produce = new ShellOPTemplate({
  name: "produce",
  script: "mkdir -p /tmp/out && echo v > /tmp/out/v && echo data > /tmp/out/file",
  outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/out/v" }) }, artifacts: { file: new OutputArtifact({ path: "/tmp/out/file" }) } },
});
const consume = new ShellOPTemplate({
  name: "consume",
  script: "cat /tmp/in",
  inputs: { parameters: { v: new InputParameter() }, artifacts: { inp: new InputArtifact({ path: "/tmp/in" }) } },
});

function pipeline(): Workflow {
  const wf = new Workflow({ name: "pipeline" });
  const a = new Step({ name: "a", template: produce, key: "step-a" });
  wf.add(a);
  wf.add(new Step({ name: "b", template: consume, parameters: { v: a.outputs.parameters.v }, artifacts: { inp: a.outputs.artifacts.file }, key: "step-b" }));
  return wf;
}

const T = "2026-09-01T10:00:00Z";
const repositoryRef = { configMap: "artifact-repositories", key: "default", artifactRepository: { s3: { bucket: "my-bucket", endpoint: "minio:9000" } } };

/** Nodes as Argo links them: `children` of each node given by name, ids `<wf>-<fnv32a(name)>`. */
function nodes(wf: string, specs: Record<string, Omit<ServerNodeStatus, "id" | "name" | "children"> & { children?: string[] }>): Record<string, ServerNodeStatus> {
  const id = (name: string) => (name === wf ? wf : `${wf}-${fnv32a(name)}`);
  return Object.fromEntries(
    Object.entries(specs).map(([name, { children, ...n }]) => [
      id(name),
      { ...n, id: id(name), name, startedAt: T, finishedAt: T, ...(children ? { children: children.map(id) } : {}), ...(name === wf ? {} : { boundaryID: id(wf) }) },
    ]),
  );
}

const key = (k: string) => ({ name: "dflow_key", value: k });

/** The first run: a succeeded, b failed. */
function failedRun(wf: ServerWorkflow): ServerWorkflowStatus {
  const w = wf.metadata.name!;
  return {
    phase: "Failed",
    startedAt: T,
    finishedAt: T,
    artifactRepositoryRef: repositoryRef,
    nodes: nodes(w, {
      [w]: { displayName: w, type: "Steps", templateName: "pipeline", phase: "Failed", children: [`${w}[0]`] },
      [`${w}[0]`]: { displayName: "[0]", type: "StepGroup", templateName: "pipeline", phase: "Succeeded", children: [`${w}[0].a`] },
      [`${w}[0].a`]: {
        displayName: "a", type: "Pod", templateName: "produce", phase: "Succeeded", children: [`${w}[1]`],
        inputs: { parameters: [key("step-a")] },
        outputs: { parameters: [{ name: "v", value: "v" }], artifacts: [{ name: "file", s3: { key: `${w}/${w}-produce-1/file.tgz` } }], exitCode: "0" },
      },
      [`${w}[1]`]: { displayName: "[1]", type: "StepGroup", templateName: "pipeline", phase: "Failed", children: [`${w}[1].b`] },
      [`${w}[1].b`]: { displayName: "b", type: "Pod", templateName: "consume", phase: "Failed", message: "Error (exit code 1)", inputs: { parameters: [{ name: "v", value: "v" }, key("step-b")] } },
    }),
  };
}

/** The second run of the transformed manifest: a reused (its carrier ran), b ran inside its wrapper. */
function reusedRun(wf: ServerWorkflow, reusedKey: string): ServerWorkflowStatus {
  const w = wf.metadata.name!;
  const a = `${w}[0].a`;
  const b = `${w}[1].b`;
  const file = { name: "file", s3: { key: reusedKey } };
  return {
    phase: "Succeeded",
    startedAt: T,
    finishedAt: T,
    artifactRepositoryRef: repositoryRef,
    nodes: nodes(w, {
      [w]: { displayName: w, type: "Steps", templateName: "pipeline", phase: "Succeeded", children: [`${w}[0]`] },
      [`${w}[0]`]: { displayName: "[0]", type: "StepGroup", templateName: "pipeline", phase: "Succeeded", children: [a] },
      [a]: { displayName: "a", type: "Steps", templateName: "produce-reusable", phase: "Succeeded", children: [`${a}[0]`], inputs: { parameters: [key("step-a")] }, outputs: { parameters: [{ name: "v", value: "v" }], artifacts: [file] } },
      [`${a}[0]`]: { displayName: "[0]", type: "StepGroup", templateName: "produce-reusable", phase: "Succeeded", children: [`${a}[0].run`, `${a}[0].reused`] },
      [`${a}[0].run`]: { displayName: "run", type: "Skipped", templateName: "produce", phase: "Skipped", message: "when 'false' evaluated false", children: [`${w}[1]`] },
      [`${a}[0].reused`]: { displayName: "reused", type: "Steps", templateName: "produce-reused", phase: "Succeeded", children: [`${a}[0].reused[0]`], inputs: { parameters: [{ name: "v", value: "v" }], artifacts: [file] }, outputs: { parameters: [{ name: "v", value: "v" }], artifacts: [file] } },
      [`${a}[0].reused[0]`]: { displayName: "[0]", type: "StepGroup", templateName: "produce-reused", phase: "Succeeded", children: [`${a}[0].reused[0].none`] },
      [`${a}[0].reused[0].none`]: { displayName: "none", type: "Skipped", templateName: "dflow-reuse-noop", phase: "Skipped", message: "when 'false' evaluated false", children: [`${w}[1]`] },
      [`${w}[1]`]: { displayName: "[1]", type: "StepGroup", templateName: "pipeline", phase: "Succeeded", children: [b] },
      [b]: { displayName: "b", type: "Steps", templateName: "consume-reusable", phase: "Succeeded", children: [`${b}[0]`], inputs: { parameters: [{ name: "v", value: "v" }, key("step-b")], artifacts: [{ ...file, name: "inp" }] } },
      [`${b}[0]`]: { displayName: "[0]", type: "StepGroup", templateName: "consume-reusable", phase: "Succeeded", children: [`${b}[0].run`] },
      [`${b}[0].run`]: { displayName: "run", type: "Pod", templateName: "consume", phase: "Succeeded", inputs: { parameters: [{ name: "v", value: "v" }, key("step-b")], artifacts: [{ ...file, name: "inp" }] }, outputs: { result: "data", exitCode: "0" } },
    }),
  };
}

describe.skipIf(!hasShared)("submit({ reuseStep }) in argo mode (contract stub, not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let argo: { server: string; token: string; secure: boolean };

  beforeAll(async () => {
    stub = await startArgoStub();
    argo = { server: stub.server, token: stub.token, secure: false };
    stub.script((wf) => {
      const table = reuseTableOf(wf);
      return [{ phase: "Running", startedAt: T }, table ? reusedRun(wf, table["step-a"]!.artifacts.file!) : failedRun(wf)];
    });
  });
  afterAll(() => stub.close());
  afterEach(() => {
    expect(stub.violations).toEqual([]);
    expect(stub.stubErrors).toEqual([]);
  });

  it("sends the transformed manifest with the table of reused steps, then reads one record per keyed step", async () => {
    const first = pipeline();
    await first.submit({ mode: "argo", argo });
    expect(await first.wait()).toBe("Failed");
    const done = await first.queryStep({ phase: "Succeeded", type: "Pod" });
    expect(done.map((s) => [s.key, s.outputs.artifacts.file!.path])).toEqual([["step-a", `s3://my-bucket/${first.id}/${first.id}-produce-1/file.tgz`]]);

    const second = pipeline();
    await second.submit({ mode: "argo", argo, reuseStep: done });
    const sent = stub.workflows().find((w) => w.metadata.name === second.id)!;
    expect(reuseTableOf(sent)).toEqual({ "step-a": { from: done[0]!.id, parameters: { v: "v" }, artifacts: { file: `${first.id}/${first.id}-produce-1/file.tgz` } } });
    expect(sent.spec.arguments!.parameters!.map((p) => p.name)).toEqual([REUSE_PARAMETER]);
    const main = sent.spec.templates!.find((t) => t.name === "pipeline")!;
    expect(main.steps!.flat().map((s) => s.template)).toEqual(["produce-reusable", "consume-reusable"]);
    expect(sent.spec.templates!.map((t) => t.name).sort()).toEqual(["consume", "consume-reusable", "dflow-reuse-noop", "pipeline", "produce", "produce-reusable", "produce-reused"]);
    expect(sent.metadata.annotations?.["dflow-ts/reuse"]).toBeUndefined();

    expect(await second.wait()).toBe("Succeeded");
    const a = await second.queryStep({ key: "step-a" });
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ displayName: "a", phase: "Succeeded", type: "Pod", templateName: "produce", message: `reused from ${done[0]!.id}` });
    expect(a[0]!.outputs.artifacts.file!.path).toBe(done[0]!.outputs.artifacts.file!.path);
    const b = await second.queryStep({ key: "step-b" });
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ displayName: "b", phase: "Succeeded", type: "Pod", templateName: "consume", id: `${second.id}-${fnv32a(`${second.id}[1].b[0].run`)}` });
    expect(b[0]!.outputs.result).toBe("data");
    expect((await second.queryStep()).map((s) => s.displayName)).toEqual(["a", "b"]);
  });

  it("refuses, before sending anything, a reused artifact that is not in the artifact repository", async () => {
    const first = pipeline();
    await first.submit({ mode: "argo", argo });
    await first.wait();
    const [a] = await first.queryStep({ key: "step-a" });
    a!.modifyOutputArtifact("file", "local/file.txt");
    const before = stub.requests.length;
    await expect(pipeline().submit({ mode: "argo", argo, reuseStep: [a!] })).rejects.toThrow(/artifact "file" of step "a" .* is at \/.*local\/file.txt; on Argo a reused artifact must be in the S3 artifact repository/);
    expect(stub.requests.length).toBe(before);
  });
});
