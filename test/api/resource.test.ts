// Kubernetes resources (dflow §3.1.17): ResourceOPTemplate and `useResource`. No Kubernetes or
// Argo runs here: the manifests are checked against Argo v4.1.2's JSON schema (../shared) and
// submitted to the swagger contract stub (not a live Argo); the local engine must refuse them
// before anything runs.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  InputArtifact,
  InputParameter,
  OutputArtifact,
  OutputParameter,
  ParameterRef,
  Resource,
  ResourceOPTemplate,
  ShellOPTemplate,
  Step,
  Workflow,
  type argo,
} from "../../src/index.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";

const piJob = new ResourceOPTemplate({
  name: "pi-job",
  action: "create",
  manifest: `apiVersion: batch/v1
kind: Job
metadata:
  generateName: pi-job-
spec:
  backoffLimit: 4
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi({{inputs.parameters.digits}})"]
      restartPolicy: Never
`,
  successCondition: "status.succeeded > 0",
  failureCondition: "status.failed > 3",
  setOwnerReference: true,
  inputs: { parameters: { digits: new InputParameter<number>({ value: 100 }) } },
  outputs: {
    parameters: {
      job: new OutputParameter<string>({ valueFromJsonPath: "{.metadata.name}" }),
      succeeded: new OutputParameter<number>({ valueFromJqFilter: ".status.succeeded" }),
    },
  },
});

const configMap = new ResourceOPTemplate({
  name: "record",
  action: "apply",
  manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "{{inputs.parameters.name}}" }, data: { job: "{{inputs.parameters.job}}" } },
  flags: ["--validate=false"],
  inputs: { parameters: { name: new InputParameter<string>(), job: new InputParameter<string>() } },
});

function piWorkflow() {
  const pi = new Step({ name: "pi", template: piJob, parameters: { digits: 50 } });
  const rec = new Step({ name: "record", template: configMap, parameters: { name: "pi-result", job: pi.outputs.parameters.job } });
  const wf = new Workflow({ name: "k8s-resources" });
  wf.add(pi);
  wf.add(rec);
  return { wf, pi, rec };
}

/** A dflow-style Resource: runs the step's script as a Kubernetes Job. */
class KubeJob extends Resource {
  readonly action = "create" as const;
  override successCondition = "status.succeeded > 0";
  override failureCondition = "status.failed > 0";
  constructor(readonly namespace = "default") {
    super();
  }
  getManifest(t: argo.Template) {
    const s = t.script!;
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { generateName: `${t.name}-`, namespace: this.namespace },
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: s.image, command: [...(s.command ?? []), "-c", s.source] }] } } },
    };
  }
}

const echo = new ShellOPTemplate({
  name: "echo",
  script: "echo {{inputs.parameters.msg}}",
  inputs: { parameters: { msg: new InputParameter<string>() } },
});

describe("ResourceOPTemplate", () => {
  it("compiles to Argo's resource template with typed outputs read from the resource", () => {
    const { wf, pi } = piWorkflow();
    expectTypeOf(pi.outputs.parameters.job).toEqualTypeOf<ParameterRef<string>>();
    expectTypeOf(pi.outputs.parameters.succeeded).toEqualTypeOf<ParameterRef<number>>();
    const m = wf.compile();
    const t = m.spec.templates!.find((x) => x.name === "pi-job")!;
    expect(t.resource).toMatchObject({ action: "create", successCondition: "status.succeeded > 0", failureCondition: "status.failed > 3", setOwnerReference: true });
    expect(t.script).toBeUndefined();
    expect(t.inputs).toEqual({ parameters: [{ name: "digits", default: "100" }] });
    expect(t.outputs!.parameters).toEqual([
      { name: "job", valueFrom: { jsonPath: "{.metadata.name}" } },
      { name: "succeeded", valueFrom: { jqFilter: ".status.succeeded" } },
    ]);
    expect(t.metadata!.annotations!["dflow-ts/op-kind"]).toBe("resource");
    const rec = m.spec.templates!.find((x) => x.name === "record")!;
    expect(parse(rec.resource!.manifest!)).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "{{inputs.parameters.name}}" }, data: { job: "{{inputs.parameters.job}}" } });
    expect(rec.resource!.flags).toEqual(["--validate=false"]);
    const main = m.spec.templates!.find((x) => x.name === m.spec.entrypoint)!;
    expect(main.steps![1]![0]!.arguments!.parameters).toContainEqual({ name: "job", value: "{{steps.pi.outputs.parameters.job}}" });
  });

  it.skipIf(!hasShared)("is valid Argo (v4.1.2 schema)", () => {
    expect(argoErrors(piWorkflow().wf.compile())).toBe("");
  });
  if (!hasShared) it.skip(SHARED_MISSING, () => {});

  it("refuses what a resource template cannot have", () => {
    expect(() => new ResourceOPTemplate({ name: "r", action: "run" as never, manifest: "kind: X" })).toThrow(/action must be one of get, create, apply, delete, replace, patch/);
    expect(() => new ResourceOPTemplate({ name: "r", action: "create", manifest: " " })).toThrow(/manifest is empty/);
    expect(() => new ResourceOPTemplate({ name: "r", action: "create", manifest: "kind: X", outputs: { parameters: { x: new OutputParameter({ valueFromPath: "/tmp/x" }) } } })).toThrow(
      /output parameter "x" needs valueFromJsonPath or valueFromJqFilter/,
    );
    const withArtifacts = { name: "r", action: "create" as const, manifest: "kind: X", inputs: { artifacts: { a: new InputArtifact() } } };
    expect(() => new ResourceOPTemplate(withArtifacts as never)).toThrow(/takes no input artifacts/);
    // dflow style: outputs added after construction are checked when the workflow compiles
    const late = new ResourceOPTemplate({ name: "late", action: "create", manifest: "kind: X" });
    (late.outputs.artifacts as Record<string, OutputArtifact>).out = new OutputArtifact({ path: "/tmp/out" });
    const wf = new Workflow({ name: "late" });
    wf.add(new Step({ name: "s", template: late }));
    expect(() => wf.compile()).toThrow(/has no output artifacts/);
    const undeclared = new ResourceOPTemplate({ name: "u", action: "create", manifest: "metadata: {name: '{{inputs.parameters.nope}}'}" });
    const wf2 = new Workflow({ name: "undeclared" });
    wf2.add(new Step({ name: "s", template: undeclared }));
    expect(() => wf2.compile()).toThrow(/references inputs.parameters.nope, which the template does not declare/);
  });

  it("is refused by the local engine before anything runs, with the steps named", async () => {
    const root = mkdtempSync(join(tmpdir(), "dflow-resource-"));
    const { wf } = piWorkflow();
    const err = await wf.submit({ root }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^invalid workflow: templates\.k8s-resources\.steps\[0\]\.pi: step "pi" \(template "pi-job"\) creates a Kubernetes resource \(Job batch\/v1\); so do step "record" \(template "record"\) applies a Kubernetes resource \(ConfigMap v1\): this needs a Kubernetes cluster, and the local engine does not create Kubernetes resources\. Run this workflow on Argo/,
    );
    expect(readdirSync(root)).toEqual([]); // nothing was written
  });
});

describe("useResource (dflow's use_resource)", () => {
  const build = (resource: Resource) => {
    const wf = new Workflow({ name: "use-resource" });
    wf.add(new Step({ name: "hello", template: echo, parameters: { msg: "hi" }, useResource: resource }));
    return wf;
  };

  it("turns the step's script template into a resource template built by the Resource", () => {
    const m = build(new KubeJob("science")).compile();
    const variant = m.spec.templates!.find((t) => t.resource)!;
    expect(variant.name).toMatch(/^echo-kubejob-[0-9a-f]{6}$/);
    expect(variant.script).toBeUndefined();
    expect(variant.inputs).toEqual({ parameters: [{ name: "msg" }] });
    expect(variant.resource).toMatchObject({ action: "create", successCondition: "status.succeeded > 0", failureCondition: "status.failed > 0" });
    const job = parse(variant.resource!.manifest!) as { metadata: { namespace: string }; spec: { template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.metadata.namespace).toBe("science");
    expect(job.spec.template.spec.containers[0]!.command).toEqual(["sh", "-c", "echo {{inputs.parameters.msg}}"]);
    // the plain template stays as it is (as with executors); two resources, two variants
    expect(m.spec.templates!.find((t) => t.name === "echo")!.script!.source).toBe("echo {{inputs.parameters.msg}}");
    expect(new KubeJob("a").name).not.toBe(new KubeJob("b").name);
    if (hasShared) expect(argoErrors(m)).toBe("");
  });

  it("refuses templates with artifacts or outputs, and non-pod templates", () => {
    const withOut = new ShellOPTemplate({ name: "w", script: "echo 1 > /tmp/o", outputs: { parameters: { o: new OutputParameter({ valueFromPath: "/tmp/o" }) } } });
    const wf = new Workflow({ name: "bad" });
    wf.add(new Step({ name: "s", template: withOut, useResource: new KubeJob() }));
    expect(() => wf.compile()).toThrow(/step "s" \(useResource\): template "w" has outputs \(o\), which a Kubernetes resource cannot give back/);
    const withIn = new ShellOPTemplate({ name: "i", script: "cat /tmp/a", inputs: { artifacts: { a: new InputArtifact({ path: "/tmp/a" }) } } });
    const wf2 = new Workflow({ name: "bad2" });
    wf2.add(new Step({ name: "s", template: withIn, artifacts: { a: "{{workflow.parameters.a}}" }, useResource: new KubeJob() }));
    expect(() => wf2.compile()).toThrow(/template "i" has input artifacts \(a\), which a Kubernetes resource cannot receive/);
    expect(() => new Step({ name: "s", template: echo, parameters: { msg: "x" }, useResource: {} as never })).toThrow(/useResource must be a Resource/);
  });

  it("is refused by the local engine before anything runs", async () => {
    await expect(build(new KubeJob()).submit({ root: mkdtempSync(join(tmpdir(), "dflow-resource-")) })).rejects.toThrow(
      /step "hello" \(template "echo-kubejob-[0-9a-f]+"\) creates a Kubernetes resource \(Job batch\/v1\): this needs a Kubernetes cluster/,
    );
  });
});

describe.skipIf(!hasShared)("resource templates in argo mode (swagger contract stub, not a live Argo)", () => {
  let stub: ArgoStub;
  beforeAll(async () => {
    stub = await startArgoStub();
  });
  afterAll(() => stub.close());

  it("submits the manifest as it compiled", async () => {
    const { wf } = piWorkflow();
    await wf.submit({ mode: "argo", argo: { server: stub.server, token: stub.token, secure: false } });
    const sent = stub.workflows().find((w) => w.metadata.name === wf.id)!;
    expect(sent.spec.templates!.find((t) => t.name === "pi-job")!.resource!.action).toBe("create");
    expect(stub.violations).toEqual([]);
  });
});
