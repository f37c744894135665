import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ShellOPTemplate, Step, Workflow, OutputParameter, InputParameter } from "../../src/index.ts";

const root = mkdtempSync(path.join(tmpdir(), "dflow-wf-"));
const sleep = new ShellOPTemplate({ name: "sleep", script: "sleep {{inputs.parameters.s}}", inputs: { parameters: { s: new InputParameter() } } });
const echo = new ShellOPTemplate({
  name: "echo",
  script: "echo {{inputs.parameters.v}} > /tmp/v",
  inputs: { parameters: { v: new InputParameter() } },
  outputs: { parameters: { v: new OutputParameter({ valueFromPath: "/tmp/v" }) } },
});

describe("Workflow run API on the local engine", () => {
  it("terminate() stops running steps and marks them", async () => {
    const wf = new Workflow({ name: "long" });
    wf.add([new Step({ name: "a", template: sleep, parameters: { s: 30 } }), new Step({ name: "b", template: sleep, parameters: { s: 30 } })]);
    wf.add(new Step({ name: "never", template: sleep, parameters: { s: 1 } }));
    const t0 = Date.now();
    await wf.submit({ root });
    await new Promise((r) => setTimeout(r, 500));
    expect((await wf.queryStatus())).toBe("Running");
    await wf.terminate();
    expect(await wf.wait()).toBe("Failed");
    expect(Date.now() - t0).toBeLessThan(10_000);
    for (const s of (await wf.queryStep({ name: ["a", "b"] }))) {
      expect(s.phase).toBe("Failed");
      expect(s.message).toMatch(/terminated/);
    }
    expect((await wf.queryStep({ name: "never" }))).toEqual([]);
  });

  it("queryStep filters by name, RegExp, key, phase, id and type; a reattached workflow sees the same", async () => {
    const wf = new Workflow({ name: "query" });
    wf.add(new Step({ name: "one", template: echo, parameters: { v: "1" }, key: "k-one" }));
    wf.add(new Step({ name: "many", template: echo, parameters: { v: "{{item}}" }, withItems: ["x", "y"] }));
    wf.add(new Step({ name: "skip", template: echo, parameters: { v: "z" }, when: "a == b" }));
    await wf.submit({ root });
    expect(await wf.wait()).toBe("Succeeded");
    const [one] = (await wf.queryStep({ key: "k-one" }));
    expect(one!.displayName).toBe("one");
    expect(one!.outputs.parameters.v!.value).toBe("1");
    expect((await wf.queryStep({ name: "many" })).map((s) => s.displayName).sort()).toEqual(["many(0:x)", "many(1:y)"]); // the loop's group node is not a step
    expect((await wf.queryStep({ name: /many\(\d:.\)/ }))).toHaveLength(2);
    expect((await wf.queryStep({ phase: "Skipped" })).map((s) => s.displayName)).toEqual(["skip"]);
    expect((await wf.queryStep({ id: one!.id }))).toHaveLength(1);
    expect((await wf.queryStep({ type: "StepGroup" })).length).toBeGreaterThanOrEqual(3);
    const again = new Workflow({ id: wf.id!, root });
    expect((await again.queryStep({ key: "k-one" }))[0]!.outputs.parameters.v!.value).toBe("1");
    await expect(new Workflow({ id: "query-zzzzz", root }).queryStatus()).rejects.toThrow(/no record of workflow query-zzzzz/);
    await expect(new Workflow({ name: "nope" }).queryStatus()).rejects.toThrow(/has not been submitted/);
  });
});
