// Reuse on Argo, checked by running the TRANSFORMED manifest (src/compile/reuse.ts) on the local
// engine as a plain Argo manifest: it has no `dflow-ts/reuse` annotation, so the engine's own reuse
// plays no part; reused artifacts are keys in a local artifact repository, where an Argo run's
// would be in S3. Runs are read back through src/argo/status.ts as if argo-server had returned
// them (test/helpers/engine-as-argo.ts). No Argo or Kubernetes runs here: this proves what the
// manifest means under Argo's semantics as the engine implements them, not a live cluster.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { REUSE_ANNOTATION } from "../../src/argo/dflow-conventions.ts";
import type { Workflow as Manifest } from "../../src/argo/manifest.ts";
import { workflowRecord } from "../../src/argo/status.ts";
import { uploadBundles } from "../../src/api/bundle-upload.ts";
import { argoReuseTable } from "../../src/api/reuse.ts";
import { queryRecords, type StepQuery } from "../../src/api/workflow.ts";
import { applyReuse } from "../../src/compile/reuse.ts";
import { startWorkflow, type RunResult } from "../../src/engine/index.ts";
import { DAG, InputArtifact, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, StepInfo, Task, Workflow } from "../../src/index.ts";
import { LocalStorageClient } from "../../src/storage/index.ts";
import { asServerWorkflow } from "../helpers/engine-as-argo.ts";
import { repoRoot } from "../helpers/shared.ts";

const root = mkdtempSync(path.join(tmpdir(), "dflow-argo-reuse-"));
const repository = new LocalStorageClient({ root: path.join(root, "repository") });
// A log on the host, outside the steps' private /tmp, to count the runs of each step.
const counter = path.join(mkdtempSync("/var/tmp/dflow-argo-reuse-"), "runs.log");
const runs = () => readFileSync(counter, "utf8").split("\n").filter(Boolean);
beforeEach(() => writeFileSync(counter, ""));

interface ArgoLikeRun {
  result: RunResult;
  query(q?: StepQuery): StepInfo[];
}

/**
 * Runs a manifest with its artifacts in the repository and reads it back as an Argo status. Its
 * function OPs' bundles go to the repository first, as submitting to Argo puts them there.
 */
async function run(manifest: Manifest): Promise<ArgoLikeRun> {
  expect(manifest.metadata.annotations?.[REUSE_ANNOTATION]).toBeUndefined();
  await uploadBundles(manifest, repository);
  const result = await startWorkflow(manifest, { root, repository, artifacts: "repository", parallelism: 2 }).done;
  const record = workflowRecord(asServerWorkflow(result, manifest));
  return { result, query: (q = {}) => queryRecords(record.steps, q).map((r) => new StepInfo(r)) };
}

const reusing = (wf: Workflow<any>, steps: StepInfo[]) => applyReuse(wf.compile(), argoReuseTable(steps));

const produce = new ShellOPTemplate({
  name: "produce",
  script: [`echo "{{inputs.parameters.name}}" >> ${counter}`, "mkdir -p /tmp/out", 'echo "{{inputs.parameters.name}}-v" > /tmp/out/v', 'echo "{{inputs.parameters.name}}-data" > /tmp/out/file'].join("\n"),
  inputs: { parameters: { name: new InputParameter() } },
  outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/out/v" }) }, artifacts: { file: new OutputArtifact({ path: "/tmp/out/file" }) } },
});

const consume = new ShellOPTemplate({
  name: "consume",
  script: [
    `echo "{{inputs.parameters.name}}" >> ${counter}`,
    '[ "{{inputs.parameters.fail}}" = "yes" ] && exit 1',
    "mkdir -p /tmp/out",
    "v=$(cat <<'EOF_V'",
    "{{inputs.parameters.v}}",
    "EOF_V",
    ")",
    "printf '%s+%s\\n' \"$v\" \"$(cat /tmp/in)\" > /tmp/out/v",
  ].join("\n"),
  inputs: { parameters: { name: new InputParameter(), v: new InputParameter(), fail: new InputParameter({ value: "no" }) }, artifacts: { inp: new InputArtifact({ path: "/tmp/in" }) } },
  outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/out/v" }) } },
});

function pipeline(failB: boolean): Workflow {
  const wf = new Workflow({ name: "pipeline" });
  const a = new Step({ name: "a", template: produce, parameters: { name: "a" }, key: "step-a" });
  const b = new Step({ name: "b", template: consume, parameters: { name: "b", v: a.outputs.parameters.v, fail: failB ? "yes" : "no" }, artifacts: { inp: a.outputs.artifacts.file }, key: "step-b" });
  const c = new Step({ name: "c", template: consume, parameters: { name: "c", v: b.outputs.parameters.v }, artifacts: { inp: a.outputs.artifacts.file } });
  wf.add(a);
  wf.add(b);
  wf.add(c);
  return wf;
}

describe("reuse on Argo: the transformed manifest run by the local engine (not a live Argo)", () => {
  it("restarts a failed workflow from the point of failure: reused steps do not run, later steps get their outputs", async () => {
    const first = await run(pipeline(true).compile());
    expect(first.result.phase).toBe("Failed");
    const done = first.query({ phase: "Succeeded", type: "Pod" });
    expect(done.map((s) => s.key)).toEqual(["step-a"]);
    expect(done[0]!.outputs.artifacts.file!.path).toMatch(/^s3:\/\/repository\//);

    const second = await run(reusing(pipeline(false), done));
    expect(second.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["a", "b", "b", "c"]); // a ran once in all
    const [c] = second.query({ name: "c" });
    expect(c!.outputs.parameters.v!.value).toBe("a-v+a-data+a-data");

    // One record per keyed step; the reused one says so and names the earlier step.
    const [a] = second.query({ key: "step-a" });
    expect(second.query({ key: "step-a" })).toHaveLength(1);
    expect(a).toMatchObject({ displayName: "a", phase: "Succeeded", type: "Pod", templateName: "produce", message: `reused from ${done[0]!.id}` });
    expect(a!.outputs.parameters.v!.value).toBe("a-v");
    expect(a!.outputs.artifacts.file!.path).toBe(done[0]!.outputs.artifacts.file!.path);
    const b = second.query({ key: "step-b" });
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ displayName: "b", phase: "Succeeded", type: "Pod", templateName: "consume" });
    expect(b[0]!.message).toBeUndefined();
    expect(b[0]!.outputs.parameters.v!.value).toBe("a-v+a-data");
    // The wrapper's inner steps are not steps of the user's workflow.
    expect(second.query().map((s) => s.displayName).sort()).toEqual(["a", "b", "c"]);

    // Steps of a run that reused steps can be reused again.
    writeFileSync(counter, "");
    const third = await run(reusing(pipeline(false), second.query({ phase: "Succeeded", key: ["step-a", "step-b"] })));
    expect(third.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["c"]);
    expect(third.query({ name: "c" })[0]!.outputs.parameters.v!.value).toBe("a-v+a-data+a-data");
  });

  it("takes modified outputs: a parameter and an artifact uploaded to the repository", async () => {
    const first = await run(pipeline(false).compile());
    expect(first.result.phase).toBe("Succeeded");
    const [a] = first.query({ key: "step-a" });
    const file = path.join(root, "new-data.txt");
    writeFileSync(file, "new-data\n");
    await repository.upload("elsewhere/new-data", file);
    const odd = "it's {{not}} a \"tag\" }} \\ ünï\nsecond line";
    a!.modifyOutputParameter("v", odd).modifyOutputArtifact("file", "s3:///elsewhere/new-data");
    writeFileSync(counter, "");

    const second = await run(reusing(pipeline(false), [a!]));
    expect(second.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["b", "c"]);
    const [b] = second.query({ key: "step-b" });
    expect(second.query({ key: "step-a" })[0]!.outputs.parameters.v!.value).toBe(odd);
    expect(b!.outputs.parameters.v!.value).toBe(`${odd}+new-data`);
  });

  it("a DAG loop: each child decides by its own key; aggregated outputs mix reused and new values", async () => {
    const square = new ShellOPTemplate({
      name: "square",
      script: [`echo "sq-{{inputs.parameters.x}}" >> ${counter}`, '[ "{{inputs.parameters.x}}" = "{{inputs.parameters.fail}}" ] && exit 1', "echo $(({{inputs.parameters.x}} * {{inputs.parameters.x}})) > /tmp/y"].join("\n"),
      inputs: { parameters: { x: new InputParameter(), fail: new InputParameter() } },
      outputs: { parameters: { y: new OutputParameter({ valueFromPath: "/tmp/y" }) } },
    });
    const sum = new ShellOPTemplate({
      name: "sum",
      script: `echo sum >> ${counter}\necho '{{inputs.parameters.ys}}' | tr -d '[]" ' | tr ',' '\\n' | awk '{ s += $1 } END { print s }' > /tmp/s`,
      inputs: { parameters: { ys: new InputParameter() } },
      outputs: { parameters: { s: new OutputParameter({ valueFromPath: "/tmp/s" }) } },
    });
    const build = (fail: string) => {
      const dag = new DAG({ name: "squares" });
      const sq = new Task({ name: "sq", template: square, parameters: { x: "{{item}}", fail }, withParam: "[1, 2, 3, 4]", key: "sq-{{item}}" });
      dag.add(sq);
      dag.add(new Task({ name: "total", template: sum, parameters: { ys: sq.outputs.parameters.y }, key: "total" }));
      return new Workflow({ name: "squares", dag });
    };
    const first = await run(build("3").compile());
    expect(first.result.phase).toBe("Failed");
    expect(runs().sort()).toEqual(["sq-1", "sq-2", "sq-3", "sq-4"]);
    const done = first.query({ phase: "Succeeded", key: ["sq-1", "sq-2", "sq-3", "sq-4"] });
    expect(done.map((s) => s.key).sort()).toEqual(["sq-1", "sq-2", "sq-4"]);

    writeFileSync(counter, "");
    const second = await run(reusing(build("none"), done));
    expect(second.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["sq-3", "sum"]);
    expect(second.query({ key: "total" })[0]!.outputs.parameters.s!.value).toBe("30");
    const children = second.query({ name: "sq" });
    expect(children.map((s) => [s.key, s.outputs.parameters.y!.value, s.message?.startsWith("reused from") ?? false])).toEqual(
      expect.arrayContaining([
        ["sq-1", "1", true],
        ["sq-2", "4", true],
        ["sq-3", "9", false],
        ["sq-4", "16", true],
      ]),
    );
    expect(children).toHaveLength(4);
  });

  it("a keyed loop with a success ratio: reused children count as successes", async () => {
    const flaky = new ShellOPTemplate({
      name: "flaky",
      script: [`echo "fl-{{inputs.parameters.x}}" >> ${counter}`, '[ "{{inputs.parameters.x}}" = "{{inputs.parameters.fail}}" ] && exit 1', "echo {{inputs.parameters.x}} > /tmp/y"].join("\n"),
      inputs: { parameters: { x: new InputParameter(), fail: new InputParameter() } },
      outputs: { parameters: { y: new OutputParameter({ valueFromPath: "/tmp/y", default: "-" }) } },
    });
    const build = () => {
      const wf = new Workflow({ name: "ratio" });
      wf.add(new Step({ name: "r", template: flaky, parameters: { x: "{{item}}", fail: "2" }, withParam: ["1", "2", "3"], key: "r-{{item}}", continueOnSuccessRatio: 0.6 }));
      return wf;
    };
    const first = await run(build().compile());
    expect(first.result.phase).toBe("Succeeded"); // 2 of 3
    // The key is on each child (not on the success check's wrapper, which always succeeds).
    const done = first.query({ key: ["r-1", "r-2", "r-3"] }).filter((s) => s.phase === "Succeeded");
    expect(first.query({ key: "r-2" }).map((s) => s.phase)).toEqual(["Failed"]);
    expect(done.map((s) => s.key).sort()).toEqual(["r-1", "r-3"]);
    writeFileSync(counter, "");
    // Only the failing child runs again; if the reused ones did not count, 1 of 3 would fail the check.
    const second = await run(reusing(build(), done));
    expect(runs()).toEqual(["fl-2"]);
    expect(second.result.phase).toBe("Succeeded");
    expect(second.query({ key: ["r-1", "r-3"] }).map((s) => s.message?.startsWith("reused from"))).toEqual([true, true]);
  });

  it("a keyed step with retries keeps its name and its attempts' names; reused, it is typed Retry", async () => {
    const marker = path.join(path.dirname(counter), "retry-marker");
    const flaky = new ShellOPTemplate({
      name: "flaky-retry",
      script: `echo try >> ${counter}\n[ -e ${marker} ] || { touch ${marker}; exit 1; }\necho ok > /tmp/r`,
      retries: 1,
      outputs: { parameters: { r: new OutputParameter({ valueFromPath: "/tmp/r" }) } },
    });
    const build = () => new Workflow({ name: "retry" }).add(new Step({ name: "r", template: flaky, key: "r" }));
    rmSync(marker, { force: true });
    const first = await run(applyReuse(build().compile(), {})); // wrapped, nothing reused
    expect(first.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["try", "try"]);
    const [r] = first.query({ key: "r" });
    expect(r).toMatchObject({ displayName: "r", type: "Retry", phase: "Succeeded", templateName: "flaky-retry" });
    expect(first.query({ type: "Pod" }).map((s) => s.displayName)).toEqual(["r(0)", "r(1)"]);

    writeFileSync(counter, "");
    const second = await run(reusing(build(), [r!]));
    expect(runs()).toEqual([]);
    const [again] = second.query({ key: "r" });
    expect(again).toMatchObject({ type: "Retry", phase: "Succeeded", message: `reused from ${r!.id}` });
    expect(again!.outputs.parameters.r!.value).toBe("ok");
  });

  it("keyed steps inside a recursion, with a modified output that ends it early (dflow's test_reuse)", async () => {
    const wf = ((await import(path.join(repoRoot, "examples", "reuse.ts"))) as { default: Workflow<any> }).default;
    const first = await run(wf.compile());
    expect(first.result.phase).toBe("Succeeded");
    const reused = first.query({ key: ["iter-0", "iter-1"] });
    expect(reused).toHaveLength(2);
    reused.find((s) => s.key === "iter-1")!.modifyOutputParameter("iter", 7); // jump past the limit

    const second = await run(reusing(wf, reused));
    expect(second.result.phase).toBe("Succeeded");
    const adds = second.query({ name: "add" });
    expect(adds.map((s) => [s.key, s.outputs.parameters.iter!.value, s.message?.startsWith("reused from") ?? false])).toEqual([
      ["iter-0", "1", true],
      ["iter-1", "7", true],
    ]);
    // "first" has a key of its own, not in the table: it ran.
    const [firstStep] = second.query({ key: "first" });
    expect(firstStep).toMatchObject({ type: "Pod", phase: "Succeeded" });
    expect(firstStep!.message).toBeUndefined();
  });

  it("an optional output artifact the reused step did not have stays absent; a missing required one fails the step", async () => {
    const maybe = new ShellOPTemplate({
      name: "maybe",
      script: [`echo maybe >> ${counter}`, "mkdir -p /tmp/out", "echo v > /tmp/out/v"].join("\n"),
      outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/out/v" }) }, artifacts: { m: new OutputArtifact({ path: "/tmp/out/m", optional: true }) } },
    });
    const build = () => {
      const wf = new Workflow({ name: "optional" });
      const p = new Step({ name: "p", template: produce, parameters: { name: "p" } });
      const m = new Step({ name: "m", template: maybe, key: "m" });
      wf.add([p, m]);
      wf.add(new Step({ name: "c", template: consume, parameters: { name: "c", v: m.outputs.parameters.v }, artifacts: { inp: p.outputs.artifacts.file } }));
      return wf;
    };
    const first = await run(build().compile());
    expect(first.result.phase).toBe("Succeeded");
    const [m] = first.query({ key: "m" });
    expect(m!.outputs.artifacts.m).toBeUndefined();
    writeFileSync(counter, "");
    const second = await run(reusing(build(), [m!]));
    expect(second.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["p", "c"]);
    expect(second.query({ key: "m" })[0]!.outputs.artifacts.m).toBeUndefined();
    expect(second.query({ name: "c" })[0]!.outputs.parameters.v!.value).toBe("v+p-data");

    const done = await run(pipeline(false).compile());
    const [a] = done.query({ key: "step-a" });
    delete a!.outputs.artifacts.file;
    writeFileSync(counter, "");
    const broken = await run(reusing(pipeline(false), [a!]));
    expect(broken.result.phase).toBe("Failed");
    expect(runs()).toEqual([]);
    expect(broken.query({ key: "step-a" })[0]!.phase).toMatch(/Failed|Error/);
  });

  it("a reused step whose key matches no step is harmless", async () => {
    const first = await run(pipeline(false).compile());
    expect(first.result.phase).toBe("Succeeded");
    const stray = new StepInfo({ id: "elsewhere-1", name: "x", fullName: "elsewhere[0].x", key: "no-such-key", type: "Pod", phase: "Succeeded", children: [], inputs: { parameters: {}, artifacts: {} }, outputs: { parameters: { v: "stray" }, artifacts: {} } });
    writeFileSync(counter, "");
    const second = await run(reusing(pipeline(false), [stray]));
    expect(second.result.phase).toBe("Succeeded");
    expect(runs()).toEqual(["a", "b", "c"]);
  });
});
