// Mapping a live workflow's status.nodes into the local engine's records. The fixture is a
// hand-written status in the swagger's shape (validated below), not the output of a live Argo.
import { describe, expect, it } from "vitest";
import { artifactLocator, podName, workflowRecord, type ServerWorkflow } from "../../src/argo/client/index.ts";
import { queryRecords } from "../../src/api/workflow.ts";
import type { StepRecord } from "../../src/engine/types.ts";
import { swaggerContract } from "../helpers/argo-stub.ts";
import { hasShared } from "../helpers/shared.ts";
import { id, liveWorkflow, WF } from "./fixtures/live-status.ts";

const byName = (steps: StepRecord[], fullName: string) => {
  const s = steps.find((x) => x.fullName === fullName);
  if (!s) throw new Error(`no step ${fullName}`);
  return s;
};

describe("status.nodes → WorkflowRecord/StepRecord", () => {
  it.skipIf(!hasShared)("the fixture is a Workflow as the swagger defines it", () => {
    expect(swaggerContract().validate("io.argoproj.workflow.v1alpha1.Workflow", liveWorkflow())).toEqual([]);
  });

  const rec = workflowRecord(liveWorkflow());
  const step = (n: string) => byName(rec.steps, n);
  const parentName = (n: string) => {
    const p = step(n).parentId;
    return p === undefined ? undefined : rec.steps.find((s) => s.id === p)?.fullName;
  };

  it("maps the workflow", () => {
    expect(rec).toMatchObject({ id: WF, name: WF, phase: "Failed", startedAt: "2026-09-01T10:00:00Z", finishedAt: "2026-09-01T10:01:02Z", message: "child 'x' failed", dir: "" });
    expect(rec.steps).toHaveLength(Object.keys(liveWorkflow().status!.nodes!).length);
    expect(rec.steps[0]!.fullName).toBe(WF);
  });

  it("derives tree parents as the local engine records them, not Argo's flow edges", () => {
    expect(parentName(WF)).toBeUndefined();
    expect(parentName(`${WF}[0]`)).toBe(WF);
    expect(parentName(`${WF}[0].gen`)).toBe(`${WF}[0]`);
    // [1] is listed as a child of gen, [2] of the loop's leaves: their parent is the Steps node
    expect(parentName(`${WF}[1]`)).toBe(WF);
    expect(parentName(`${WF}[2]`)).toBe(WF);
    expect(parentName(`${WF}[1].square(0:1)`)).toBe(`${WF}[1]`);
    expect(parentName(`${WF}[1].square(1:2)(0)`)).toBe(`${WF}[1].square(1:2)`);
    expect(parentName(`${WF}[1].maybe`)).toBe(`${WF}[1]`);
    expect(parentName(`${WF}[2].dag`)).toBe(`${WF}[2]`);
    expect(parentName(`${WF}[2].dag.a`)).toBe(`${WF}[2].dag`);
    // dependents hang under their dependencies in Argo; under the DAG in the record
    expect(parentName(`${WF}[2].dag.c`)).toBe(`${WF}[2].dag`);
    expect(parentName(`${WF}[2].dag.d`)).toBe(`${WF}[2].dag`);
    expect(parentName(`${WF}[2].dag.b(1:y)`)).toBe(`${WF}[2].dag.b`);
    expect(parentName(`${WF}[2].dag.e`)).toBe(`${WF}[2].dag`);
    expect(parentName(`${WF}.onExit`)).toBeUndefined();
  });

  it("rebuilds children from the parents, and lists parents before children", () => {
    expect(step(WF).children).toEqual([`${WF}[0]`, `${WF}[1]`, `${WF}[2]`].map(id));
    expect(step(`${WF}[2].dag`).children.map((c) => rec.steps.find((s) => s.id === c)!.name)).toEqual(["a", "b", "c", "e", "d"]);
    const index = new Map(rec.steps.map((s, i) => [s.id, i]));
    for (const s of rec.steps) if (s.parentId) expect(index.get(s.parentId)!).toBeLessThan(index.get(s.id)!);
  });

  it("maps a leaf step: names, key, type, phase, template, boundary, times, progress, parameters", () => {
    expect(step(`${WF}[0].gen`)).toEqual({
      id: id(`${WF}[0].gen`),
      name: "gen",
      fullName: `${WF}[0].gen`,
      key: "gen-key",
      type: "Pod",
      phase: "Succeeded",
      templateName: "gen",
      parentId: id(`${WF}[0]`),
      boundaryId: WF,
      children: [],
      startedAt: "2026-09-01T10:00:00Z",
      finishedAt: "2026-09-01T10:00:10Z",
      progress: "1/1",
      inputs: { parameters: { n: "2", dflow_key: "gen-key" }, artifacts: {} },
      outputs: {
        parameters: { items: "[1,2]" },
        artifacts: { table: `s3://dflow-bucket/${WF}/${WF}-gen-1/table.tgz`, copy: "s3://other/x/copy.tgz", "main-logs": `s3://dflow-bucket/${WF}/${WF}-gen-1/main.log` },
        exitCode: "0",
      },
    });
    expect(step(`${WF}[1].square(0:1)`).outputs.result).toBe("1");
    expect(step(`${WF}[1].square(0:1)`).inputs.artifacts).toEqual({ table: `s3://dflow-bucket/${WF}/${WF}-gen-1/table.tgz` });
  });

  it("keeps retry, skipped and omitted nodes with their messages; an empty key is no key", () => {
    expect(step(`${WF}[1].square(1:2)`)).toMatchObject({ type: "Retry", phase: "Succeeded", key: "square-2" });
    expect(step(`${WF}[1].square(1:2)(0)`)).toMatchObject({ type: "Pod", phase: "Failed", message: "Error (exit code 3)", outputs: { exitCode: "3" } });
    expect(step(`${WF}[1].maybe`)).toMatchObject({ type: "Skipped", phase: "Skipped", message: "when 'false' evaluated false" });
    expect(step(`${WF}[2].dag.e`)).toMatchObject({ type: "Skipped", phase: "Omitted" });
    expect(step(`${WF}[2].dag.d`).key).toBeUndefined();
  });

  it("answers queryStep filters as for a local run", () => {
    const names = (q: Parameters<typeof queryRecords>[1]) => queryRecords(rec.steps, q).map((s) => s.name);
    expect(names({ key: "square-2" })).toEqual(["square(1:2)", "square(1:2)(0)", "square(1:2)(1)"]);
    expect(names({ name: "square", type: "Pod" })).toEqual(["square(0:1)", "square(1:2)(0)", "square(1:2)(1)"]);
    expect(names({ phase: "Failed" })).toEqual(["square(1:2)(0)", "dag", "d"]);
    expect(names({ type: "StepGroup" })).toEqual(["[0]", "[1]", "[2]"]);
  });

  it("tolerates what a real server sends: null times, no nodes yet", () => {
    const wf = liveWorkflow();
    const n = wf.status!.nodes![id(`${WF}[2].dag.d`)]!;
    (n as unknown as { finishedAt: null }).finishedAt = null;
    expect(byName(workflowRecord(wf).steps, `${WF}[2].dag.d`).finishedAt).toBeUndefined();
    const fresh: ServerWorkflow = { ...wf, status: {} };
    expect(workflowRecord(fresh)).toEqual({ id: WF, name: WF, phase: "", dir: "", steps: [] });
  });

  it("uses defaultBucket when neither artifact nor repository names one", () => {
    const wf = liveWorkflow();
    delete wf.status!.artifactRepositoryRef;
    expect(byName(workflowRecord(wf).steps, `${WF}[0].gen`).outputs.artifacts.table).toBe(`s3:///${WF}/${WF}-gen-1/table.tgz`);
    expect(byName(workflowRecord(wf, { defaultBucket: "b" }).steps, `${WF}[0].gen`).outputs.artifacts.table).toBe(`s3://b/${WF}/${WF}-gen-1/table.tgz`);
  });

  it("writes locators for every artifact kind", () => {
    expect(artifactLocator({ name: "a", gcs: { bucket: "g", key: "k" } })).toBe("gs://g/k");
    expect(artifactLocator({ name: "a", oss: { bucket: "o", key: "/k" } })).toBe("oss://o/k");
    expect(artifactLocator({ name: "a", azure: { container: "c", blob: "b" } })).toBe("azure://c/b");
    expect(artifactLocator({ name: "a", hdfs: { path: "/p" } })).toBe("hdfs://p");
    expect(artifactLocator({ name: "a", http: { url: "https://h/x" } })).toBe("https://h/x");
    expect(artifactLocator({ name: "a", raw: { data: "a b" } })).toBe("data:,a%20b");
    expect(artifactLocator({ name: "a", path: "/tmp/a", optional: true })).toBeUndefined();
    // An s3 artifact with an empty key (an absent optional artifact handed on by a reuse carrier) has no location.
    expect(artifactLocator({ name: "a", s3: { key: "" } }, "b")).toBeUndefined();
  });

  it("names pods as Argo does (v2 by default, node id with the v1 annotation)", () => {
    const wf = liveWorkflow();
    const gen = wf.status!.nodes![id(`${WF}[0].gen`)]!;
    // fnv32a("hello") = 1335831723 is the reference value of Argo's UI tests
    expect(podName({ ...wf, metadata: { name: "wf" } }, { id: "x", name: "hello", templateName: "t" })).toBe("wf-t-1335831723");
    expect(podName(wf, gen)).toBe(`${WF}-gen-${id(`${WF}[0].gen`).slice(WF.length + 1)}`);
    expect(podName({ ...wf, metadata: { ...wf.metadata, annotations: { "workflows.argoproj.io/pod-name-format": "v1" } } }, gen)).toBe(gen.id);
  });
});
