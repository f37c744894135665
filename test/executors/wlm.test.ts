// SlurmJob / SlurmJobTemplate (dflow §3.1.16, "virtual node"): Slurm jobs created as SlurmJob
// resources of wlm-operator. No Kubernetes, Argo or wlm-operator runs here, so:
// - the manifests are checked against Argo v4.1.2's JSON schema (../shared), and the SlurmJob
//   objects against the fields of dptech-corp/wlm-operator's CRD;
// - the local engine must refuse them before anything runs;
// - the part that can run here, the batch script, is run on the loopback Slurm: Argo's
//   substitution is done by the engine's Argo-compatible template renderer, the prepare/collect
//   scripts run with their volume and declared paths moved into temporary directories, and
//   wlm-operator's staging is simulated by hand (as dflow's paths imply it: the prepare volume,
//   named "workdir", uploaded into `<to>`; the directory `<from>` downloaded into the results
//   volume); the job is submitted with `sbatch --wait` as the operator's red-box would.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  FunctionOPTemplate,
  InputArtifact,
  InputParameter,
  OutputArtifact,
  OutputParameter,
  ShellOPTemplate,
  SlurmJob,
  SlurmJobTemplate,
  Step,
  Workflow,
  type argo,
} from "../../src/index.ts";
import { renderTemplate } from "../../src/engine/expr/template.ts";
import { ANNOTATION, BUNDLE_ARTIFACT, bundleKey, bundleLoader } from "../../src/argo/dflow-conventions.ts";
import { shippedBundleSource } from "../../src/compile/bundle-artifact.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { sleepFor } from "../../examples/ops/math.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared } from "../helpers/shared.ts";
import { sh, skip } from "./services.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

const upper = new ShellOPTemplate({
  name: "upper",
  script: "mkdir -p /tmp/res && tr a-z A-Z < /tmp/in/foo > /tmp/res/up.txt && printf %s \"$GREETING\" > /tmp/res/greeting && echo {{inputs.parameters.n}} > /tmp/res/n",
  inputs: {
    parameters: { greeting: new InputParameter<string>(), n: new InputParameter<number>({ value: 1 }) },
    artifacts: { foo: new InputArtifact({ path: "/tmp/in/foo" }) },
  },
  outputs: {
    parameters: { greeting: new OutputParameter<string>({ valueFromPath: "/tmp/res/greeting" }), n: new OutputParameter<string>({ valueFromPath: "/tmp/res/n", default: "0" }) },
    artifacts: { res: new OutputArtifact({ path: "/tmp/res" }) },
  },
  envs: { GREETING: "{{inputs.parameters.greeting}}" },
  timeout: 600,
});
const hello = new ShellOPTemplate({ name: "hello", script: "echo hello {{inputs.parameters.who}}", inputs: { parameters: { who: new InputParameter<string>() } } });

const HEADER = "#!/bin/sh\n#SBATCH --nodes=1";
const NODE = { "kubernetes.io/hostname": "slurm-minikube-v100" };

function wlmWorkflow(header = HEADER) {
  const onNode = new SlurmJobTemplate({ header, nodeSelector: NODE });
  const wf = new Workflow({ name: "wlm" });
  const a = new Step({ name: "hello", template: hello, parameters: { who: "wlm" }, useResource: new SlurmJob({ header, nodeSelector: NODE }) });
  const b = new Step({ name: "upper", template: upper, parameters: { greeting: "hi" }, artifacts: { foo: "{{workflow.parameters.foo}}" }, executor: onNode });
  const c = new Step({ name: "dup", template: new FunctionOPTemplate(duplicate), parameters: { msg: b.outputs.parameters.greeting, num: 2 }, artifacts: { foo: b.outputs.artifacts.res }, executor: onNode });
  wf.add(a);
  wf.add(b);
  wf.add(c);
  return wf;
}

type SlurmJobObject = { apiVersion: string; kind: string; metadata: { name: string }; spec: { batch: string; nodeSelector?: Record<string, string>; prepare?: { to: string; mount: argo.Volume }; results?: { from: string; mount: argo.Volume } } };
const slurmJobOf = (t: argo.Template) => parse(t.resource!.manifest!) as SlurmJobObject;
const byName = (m: argo.Workflow, name: string) => m.spec.templates!.find((t) => t.name === name)!;

describe("SlurmJob and SlurmJobTemplate manifests", () => {
  const m = wlmWorkflow().compile({ bundle: "omit" });
  const variant = (base: string) => m.spec.templates!.find((t) => t.name.startsWith(`${base}-slurm-job-`) && !/-(prepare|run|collect)$/.test(t.name))!;

  it.skipIf(!hasShared)("are valid Argo (v4.1.2 schema)", () => {
    expect(argoErrors(wlmWorkflow().compile())).toBe("");
  });

  it("useResource: SlurmJob turns a script step into a resource template creating a SlurmJob", () => {
    const t = m.spec.templates!.find((x) => x.name.startsWith("hello-slurmjob-"))!;
    expect(t.resource).toMatchObject({ action: "create", successCondition: "status.status == Succeeded", failureCondition: "status.status == Failed" });
    const job = slurmJobOf(t);
    expect(job).toMatchObject({ apiVersion: "wlm.sylabs.io/v1alpha1", kind: "SlurmJob", metadata: { name: "{{pod.name}}" }, spec: { nodeSelector: NODE } });
    expect(job.spec.batch.startsWith(`${HEADER}\n`)).toBe(true);
    expect(job.spec.batch).toContain("echo hello {{inputs.parameters.who}}\n");
    // Only the fields of the CRD (batch, nodeSelector, prepare, results).
    expect(Object.keys(job.spec).sort()).toEqual(["batch", "nodeSelector"]);
  });

  it("SlurmJobTemplate without files to move: the bare resource template", () => {
    const wf = new Workflow({ name: "bare" });
    wf.add(new Step({ name: "hello", template: hello, parameters: { who: "x" }, executor: new SlurmJobTemplate({ header: HEADER }) }));
    const t = wf.compile().spec.templates!.find((x) => x.resource)!;
    expect(t.inputs).toEqual({ parameters: [{ name: "who" }] });
    expect(slurmJobOf(t).spec.batch).toContain("mkdir -p 'dflow/workflows/{{workflow.name}}/{{pod.name}}/workdir' && cd 'dflow/workflows/{{workflow.name}}/{{pod.name}}/workdir' || exit 1\n");
    expect(t.metadata!.annotations!["dflow-ts/executor"]).toBe("slurm-job-template");
  });

  it("SlurmJobTemplate with input artifacts and outputs: prepare → run → collect, as dflow renders it", () => {
    const w = variant("upper");
    expect(w.steps!.map((g) => g.map((s) => s.name))).toEqual([["slurm-prepare"], ["slurm-run"], ["slurm-collect"]]);
    expect(w.inputs).toEqual({ parameters: [{ name: "greeting" }, { name: "n", default: "1" }], artifacts: [{ name: "foo" }] });
    expect(w.outputs).toEqual({
      parameters: [
        { name: "greeting", valueFrom: { parameter: "{{steps.slurm-collect.outputs.parameters.greeting}}" } },
        { name: "n", valueFrom: { parameter: "{{steps.slurm-collect.outputs.parameters.n}}", default: "0" } },
      ],
      artifacts: [{ name: "res", from: "{{steps.slurm-collect.outputs.artifacts.res}}" }],
    });
    expect(w.activeDeadlineSeconds).toBeUndefined(); // Argo allows it on leaf templates only

    const prepare = byName(m, `${w.name}-prepare`);
    expect(prepare.volumes).toEqual([{ name: "workdir", hostPath: { path: "/tmp/{{pod.name}}", type: "DirectoryOrCreate" } }]);
    expect(prepare.script!.volumeMounts).toEqual([{ name: "workdir", mountPath: "/workdir" }]);
    expect(prepare.script!.source).toContain("copy /tmp/in/foo /workdir/tmp/in/foo");
    expect(prepare.outputs).toEqual({ parameters: [{ name: "dflow_vol_path", value: "/tmp/{{pod.name}}" }] });

    const run = byName(m, `${w.name}-run`);
    expect(run.activeDeadlineSeconds).toBe(600);
    expect(run.inputs!.parameters!.map((p) => p.name)).toEqual(["greeting", "n", "dflow_vol_path"]);
    const job = slurmJobOf(run);
    expect(job.spec.prepare).toEqual({ to: "dflow/workflows/{{workflow.name}}/{{pod.name}}", mount: { name: "workdir", hostPath: { path: "{{inputs.parameters.dflow_vol_path}}", type: "DirectoryOrCreate" } } });
    expect(job.spec.results).toEqual({ from: "dflow/workflows/{{workflow.name}}/{{pod.name}}/workdir", mount: { name: "mnt", hostPath: { path: "/tmp/{{pod.name}}", type: "DirectoryOrCreate" } } });
    // Declared paths move under the job's directory; a whole-parameter env value travels as base64.
    expect(job.spec.batch).toContain("tr a-z A-Z < @DFLOW_JOB_ROOT@/tmp/in/foo > @DFLOW_JOB_ROOT@/tmp/res/up.txt");
    expect(job.spec.batch).toContain("GREETING=$(printf %s '{{=sprig.b64enc(inputs.parameters['greeting'])}}' | base64 -d; printf x)");

    const collect = byName(m, `${w.name}-collect`);
    expect(collect.volumes).toEqual([{ name: "mnt", hostPath: { path: "{{inputs.parameters.dflow_vol_path}}", type: "DirectoryOrCreate" } }]);
    expect(collect.outputs).toEqual(upper.build().outputs);
    expect(collect.script!.source).toContain("copy /mnt/workdir/tmp/res /tmp/res");
    expect(collect.script!.source).toContain("if [ -e /mnt/workdir/tmp/res/n ]; then copy /mnt/workdir/tmp/res/n /tmp/res/n; fi");
  });

  it("function OPs run with node on the Slurm side, their inputs in base64", () => {
    const job = slurmJobOf(byName(m, `${variant("duplicate").name}-run`));
    expect(job.spec.batch).toContain('export DFLOW_IO_ROOT="$DFLOW_JOB_ROOT/tmp"');
    expect(job.spec.batch).toMatch(/DFLOW_INPUT_0=\$\(printf %s '\{\{=sprig\.b64enc\(inputs\.parameters\['msg'\]\)\}\}' \| base64 -d; printf x\)/);
    expect(job.spec.batch).toContain('node "$DFLOW_JOB_ROOT/script"');
  });

  it("a function OP's bundle shipped as an artifact: the wrapper keeps its key, prepare stages it beside the inputs", () => {
    const shipped = wlmWorkflow().compile();
    const w = shipped.spec.templates!.find((t) => t.name.startsWith("duplicate-slurm-job-") && t.steps)!;
    const bundle = w.inputs!.artifacts!.find((a) => a.name === BUNDLE_ARTIFACT)!;
    const hash = byName(shipped, "duplicate").metadata!.annotations![ANNOTATION.bundleHash]!;
    expect(bundle).toEqual({ name: BUNDLE_ARTIFACT, s3: { key: bundleKey(hash) } });
    const prepare = byName(shipped, `${w.name}-prepare`);
    expect(prepare.script!.source).toContain(`copy /tmp/dflow/bundle-${hash}.cjs /workdir/tmp/dflow/bundle-${hash}.cjs`);
    expect(w.steps![0]![0]!.arguments!.artifacts).toContainEqual({ name: BUNDLE_ARTIFACT, from: `{{inputs.artifacts.${BUNDLE_ARTIFACT}}}` });
    // The job runs the loader; with DFLOW_IO_ROOT at the job's tmp, it finds the staged bundle there.
    const batch = slurmJobOf(byName(shipped, `${w.name}-run`)).spec.batch;
    const script = Buffer.from(/base64 -d > script <<'DFLOW_BUNDLE'\n([\s\S]*?)\nDFLOW_BUNDLE/.exec(batch)![1]!, "base64").toString();
    expect(script).toBe(bundleLoader(hash));
  });

  it("useResource: SlurmJob with a function OP takes its bundle inline (a resource gets no artifacts)", () => {
    const wf = new Workflow({ name: "wlm-fn" });
    wf.add(new Step({ name: "nap", template: sleepFor, parameters: { seconds: 0 }, useResource: new SlurmJob({ header: HEADER }) }));
    const shipped = wf.compile({ inlineBundleLimit: 0 });
    const t = shipped.spec.templates!.find((x) => x.resource)!;
    expect(t.inputs).toEqual({ parameters: [{ name: "seconds" }] });
    const hash = byName(shipped, "sleep-for").metadata!.annotations![ANNOTATION.bundleHash]!;
    const batch = slurmJobOf(t).spec.batch;
    const script = Buffer.from(/base64 -d > script <<'DFLOW_BUNDLE'\n([\s\S]*?)\nDFLOW_BUNDLE/.exec(batch)![1]!, "base64").toString();
    expect(decodeArgoSafeNodeScript(script)).toBe(shippedBundleSource(hash)!.source);
  });

  it("the local engine refuses them before anything runs, naming the step and wlm-operator", async () => {
    const root = mkdtempSync(join(tmpdir(), "dflow-wlm-"));
    const err = await wlmWorkflow()
      .submit({ root, parameters: { foo: "x" } } as never)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(/^invalid workflow: templates\.wlm\.steps\[0\]\.hello: step "hello" \(template "hello-slurmjob-[0-9a-f]+"\) creates a Kubernetes resource \(SlurmJob wlm\.sylabs\.io\/v1alpha1\); so do step "upper" → "slurm-run"/);
    expect(err?.message).toContain("a SlurmJob needs a Kubernetes cluster with wlm-operator (Slurm partitions as virtual nodes), and the local engine does not create Kubernetes resources");
    expect(readdirSync(root)).toEqual([]);
  });

  it("checks its options", () => {
    expect(() => new SlurmJobTemplate({ name: "Bad Name" })).toThrow(/name must be lowercase/);
    expect(() => new SlurmJob({ nodeSelector: { a: 1 as never } })).toThrow(/nodeSelector\.a must be a string/);
    expect(new SlurmJobTemplate({ header: "a" }).name).not.toBe(new SlurmJobTemplate({ header: "b" }).name);
  });
});

/**
 * Runs a SlurmJob's batch as wlm-operator would, after Argo's substitution: in `submitDir`, with
 * `sbatch --wait` on the loopback Slurm. Returns the job id.
 */
function runBatch(run: argo.Template, vars: Record<string, string>, submitDir: string): { id: string; job: SlurmJobObject } {
  const job = parse(renderTemplate(run.resource!.manifest!, vars, { onMissing: "error" })) as SlurmJobObject;
  writeFileSync(join(submitDir, "batch.sh"), job.spec.batch);
  const id = sh(`cd '${submitDir}' && sbatch --parsable --wait batch.sh 2>&1`).trim();
  expect(id, `sbatch: ${id}`).toMatch(/^\d+$/);
  return { id, job };
}

describe.skipIf(skip.slurm())("the SlurmJob batch script on the loopback Slurm (substitution and staging simulated)", () => {
  const header = "#!/bin/sh\n#SBATCH --nodes=1\n#SBATCH --job-name=wlm-batch-test\n#SBATCH --output=slurm-%j.out";
  const m = wlmWorkflow(header).compile();
  const wrapper = (base: string) => m.spec.templates!.find((t) => t.name.startsWith(`${base}-slurm-job-`) && t.steps)!;

  it("a shell step: prepare → batch under sbatch (header applied) → collect, files where the step declared them", () => {
    const base = mkdtempSync(join(tmpdir(), "dflow-wlm-"));
    const [submit, pod, hostPrepare, hostResults] = ["submit", "pod", "host-prepare", "host-results"].map((d) => join(base, d)) as [string, string, string, string];
    for (const d of [submit, pod, hostPrepare, hostResults]) mkdirSync(d, { recursive: true });
    const w = wrapper("upper");
    // A pod's view: its declared paths under `pod`, its volume at `host*` (scripts rewritten accordingly).
    const inPod = (src: string, mount: string, host: string) => src.replace(/(^| |')\/tmp\//gm, `$1${pod}/tmp/`).replaceAll(mount, host);
    mkdirSync(join(pod, "tmp/in"), { recursive: true });
    writeFileSync(join(pod, "tmp/in/foo"), "from the prepare step\n");
    sh(inPod(byName(m, `${w.name}-prepare`).script!.source, "/workdir", hostPrepare));
    // wlm-operator's prepare: the volume (named "workdir") goes to <to>/workdir on the Slurm side
    const to = join(submit, "dflow/workflows/wlm-abcde/wlm-abcde-run-1");
    mkdirSync(join(to, "workdir"), { recursive: true });
    sh(`cp -r '${hostPrepare}/.' '${to}/workdir/'`);

    const greeting = `it's "quoted"\nand $(not run) on two lines`;
    const vars = { "workflow.name": "wlm-abcde", "pod.name": "wlm-abcde-run-1", "inputs.parameters.greeting": greeting, "inputs.parameters.n": "7", "inputs.parameters.dflow_vol_path": hostPrepare };
    const { id, job } = runBatch(byName(m, `${w.name}-run`), vars, submit);
    expect(sh(`scontrol show job ${id}`)).toMatch(/JobName=wlm-batch-test[\s\S]*JobState=COMPLETED/);
    expect(job.spec.results!.from).toBe("dflow/workflows/wlm-abcde/wlm-abcde-run-1/workdir");

    // wlm-operator's results: <from> (a directory named "workdir") lands in the results volume
    sh(`cp -r '${join(submit, job.spec.results!.from)}' '${hostResults}/'`);
    rmSync(join(pod, "tmp"), { recursive: true });
    sh(inPod(byName(m, `${w.name}-collect`).script!.source, "/mnt", hostResults));
    expect(readFileSync(join(pod, "tmp/res/up.txt"), "utf8")).toBe("FROM THE PREPARE STEP\n");
    expect(readFileSync(join(pod, "tmp/res/greeting"), "utf8")).toBe(greeting);
    expect(readFileSync(join(pod, "tmp/res/n"), "utf8")).toBe("7\n");
    expect(readdirSync(join(pod, "tmp/res")).sort()).toEqual(["greeting", "n", "up.txt"]);
  }, 60_000);

  it("a function OP: node runs the bundle, inputs decoded from base64, outputs under tmp/outputs", () => {
    const submit = mkdtempSync(join(tmpdir(), "dflow-wlm-submit-"));
    const run = byName(m, `${wrapper("duplicate").name}-run`);
    const vars = { "workflow.name": "wlm-abcde", "pod.name": "wlm-abcde-run-2", "inputs.parameters.msg": "it's ", "inputs.parameters.num": "2", "inputs.parameters.dflow_vol_path": "/tmp/p" };
    const staged = join(submit, "dflow/workflows/wlm-abcde/wlm-abcde-run-2/workdir/tmp");
    mkdirSync(join(staged, "inputs/artifacts"), { recursive: true });
    writeFileSync(join(staged, "inputs/artifacts/foo"), "foo\n");
    // The bundle ships as an artifact: prepare stages it under tmp/dflow like the OP's own inputs.
    const bundle = byName(m, wrapper("duplicate").name).inputs!.artifacts!.find((a) => a.name === BUNDLE_ARTIFACT)!;
    const hash = /^dflow-bundles\/([0-9a-f]{16})\.cjs$/.exec(bundle.s3!.key!)![1]!;
    mkdirSync(join(staged, "dflow"), { recursive: true });
    writeFileSync(join(staged, `dflow/bundle-${hash}.cjs`), shippedBundleSource(hash)!.source);
    const { id, job } = runBatch(run, vars, submit);
    const from = join(submit, job.spec.results!.from);
    expect(sh(`scontrol show job ${id}`), readdirSync(submit).filter((f) => f.startsWith("slurm-")).map((f) => readFileSync(join(submit, f), "utf8")).join("\n")).toMatch(/JobState=COMPLETED/);
    expect(readFileSync(join(from, "tmp/outputs/parameters/msg"), "utf8")).toBe("it's it's ");
    expect(readdirSync(join(from, "tmp/outputs/artifacts/bar"))).toContain("bar.txt");
  }, 60_000);
});
