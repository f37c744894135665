import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { repoRoot } from "../helpers/shared.ts";

const root = mkdtempSync(path.join(tmpdir(), "dflow-reuse-"));
// A log on the host, outside the steps' private /tmp, to count the runs of each step.
const counter = path.join(mkdtempSync("/var/tmp/dflow-reuse-"), "runs.log");

const work = new ShellOPTemplate({
  name: "work",
  script: [
    `echo "{{inputs.parameters.name}}" >> ${counter}`,
    `[ "{{inputs.parameters.fail}}" = "yes" ] && exit 1`,
    "mkdir -p /tmp/out && echo {{inputs.parameters.name}}-out > /tmp/out/v && cp /tmp/out/v /tmp/out/file",
  ].join("\n"),
  inputs: { parameters: { name: new InputParameter(), fail: new InputParameter({ value: "no" }) } },
  outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/out/v" }) }, artifacts: { file: new OutputArtifact({ path: "/tmp/out/file" }) } },
});
const runs = () => readFileSync(counter, "utf8").trim().split("\n");

function pipeline(failB: boolean) {
  const wf = new Workflow({ name: "pipeline" });
  const a = new Step({ name: "a", template: work, parameters: { name: "a" }, key: "step-a" });
  const b = new Step({ name: "b", template: work, parameters: { name: `b-after-${a.outputs.parameters.v}`, fail: failB ? "yes" : "no" }, key: "step-b" });
  wf.add(a);
  wf.add(b);
  return wf;
}

describe("reuse (submit({ reuseStep }))", () => {
  it("restarts a failed workflow from the point of failure", async () => {
    writeFileSync(counter, "");
    const first = pipeline(true);
    await first.submit({ root });
    expect(await first.wait()).toBe("Failed");
    const done = await first.queryStep({ phase: "Succeeded", type: "Pod" });
    expect(done.map((s) => s.key)).toEqual(["step-a"]);

    const second = pipeline(false);
    await second.submit({ root, reuseStep: done });
    expect(await second.wait()).toBe("Succeeded");
    expect(runs()).toEqual(["a", "b-after-a-out", "b-after-a-out"]); // a ran once in all
    const [a] = await second.queryStep({ key: "step-a" });
    expect(a!.phase).toBe("Succeeded");
    expect(a!.message).toBe(`reused from ${done[0]!.id}`);
    expect(readFileSync(path.join(a!.outputs.artifacts.file!.path, ""), "utf8")).toBe("a-out\n");
  });

  it("takes modified outputs of reused steps", async () => {
    writeFileSync(counter, "");
    const first = pipeline(false);
    await first.submit({ root });
    expect(await first.wait()).toBe("Succeeded");
    const [a] = await first.queryStep({ key: "step-a" });
    a!.modifyOutputParameter("v", "patched");
    const second = pipeline(false);
    await second.submit({ root, reuseStep: [a!] });
    expect(await second.wait()).toBe("Succeeded");
    expect(runs()).toEqual(["a", "b-after-a-out", "b-after-patched"]);
  });

  it("reuses steps of a dynamic loop by their templated keys (dflow's test_reuse)", async () => {
    const load = async () => ((await import(path.join(repoRoot, "examples", "reuse.ts"))) as { default: Workflow<any> }).default;
    const wf = await load();
    await wf.submit({ root });
    expect(await wf.wait()).toBe("Succeeded");
    const reused = await wf.queryStep({ key: ["iter-0", "iter-1"] });
    reused.find((s) => s.key === "iter-1")!.modifyOutputParameter("iter", 3); // skip iteration 2
    await wf.submit({ root, reuseStep: reused });
    expect(await wf.wait()).toBe("Succeeded");
    const adds = await wf.queryStep({ name: "add" });
    // The loop goes on from the modified value: iter-2 never runs, iter-3 and iter-4 run anew.
    expect(adds.map((s) => [s.key, s.outputs.parameters.iter!.value, s.message?.startsWith("reused") ?? false])).toEqual([
      ["iter-0", "1", true],
      ["iter-1", "3", true],
      ["iter-3", "4", false],
      ["iter-4", "5", false],
    ]);
  });

  it("skips steps without a key, and refuses a list where none has one", async () => {
    writeFileSync(counter, "");
    const wf = new Workflow({ name: "nokey" });
    wf.add(new Step({ name: "x", template: work, parameters: { name: "x" } }));
    wf.add(new Step({ name: "a", template: work, parameters: { name: "a" }, key: "step-a" }));
    await wf.submit({ root });
    await wf.wait();
    const keyless = await wf.queryStep({ name: "x" });
    await expect(pipeline(false).submit({ root, reuseStep: keyless })).rejects.toThrow(/none of the 1 steps has a key \("x" .*\); only steps with a key can be reused/);
    // As queried, all that succeeded: the keyless one cannot match anything, the keyed one is reused.
    const all = await wf.queryStep({ phase: "Succeeded", type: "Pod" });
    expect(all.map((s) => s.key ?? s.displayName).sort()).toEqual(["step-a", "x"]);
    writeFileSync(counter, "");
    const again = pipeline(false);
    await again.submit({ root, reuseStep: all });
    expect(await again.wait()).toBe("Succeeded");
    expect(runs()).toEqual(["b-after-a-out"]);
  });
});
