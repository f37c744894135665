import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { downloadArtifact, Workflow } from "../../src/index.ts";
import { repoRoot } from "../helpers/shared.ts";

// Every example runs on the local engine from its compiled manifest, and its results are checked
// through the query API (the same one a reattached workflow uses).
const root = mkdtempSync(path.join(tmpdir(), "dflow-examples-"));

async function run(file: string): Promise<Workflow<any>> {
  const wf = ((await import(path.join(repoRoot, "examples", file))) as { default: Workflow<any> }).default;
  await wf.submit({ root, parallelism: 2 });
  await wf.wait();
  return wf;
}
/** Downloads a step's output artifact (a single file) and returns its text. */
const artifactText = async (wf: Workflow<any>, name: string, a: string) => {
  const [s] = await wf.queryStep({ name });
  if (!s?.outputs.artifacts[a]) throw new Error(`no artifact ${a} of step ${name}`);
  const got = await downloadArtifact(s.outputs.artifacts[a], { path: mkdtempSync(path.join(root, "download-")) });
  if (typeof got !== "string") throw new Error(`artifact ${a} of ${name} is not one file: ${JSON.stringify(got)}`);
  return readFileSync(got, "utf8");
};
const param = async (wf: Workflow<any>, name: string, p: string) => {
  const [s] = await wf.queryStep({ name });
  if (!s) throw new Error(`no step ${name}`);
  return s.outputs.parameters[p]?.value;
};

describe("examples on the local engine", () => {
  it("hello: parameters and artifacts flow through function OPs", async () => {
    const wf = await run("hello.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "s2", "msg")).toBe("hi".repeat(6));
    const again = new Workflow({ id: wf.id!, root });
    expect((await again.queryStatus())).toBe("Succeeded");
    expect((await again.queryStep({ name: "s1" }))[0]!.outputs.parameters.msg!.value).toBe("hihi");
  });

  it("steps: script templates, parallel groups and a nested Steps", async () => {
    const wf = await run("steps.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "hello-a", "msg")).toBe("a");
    expect(await param(wf, "nested", "msg")).toBe("a");
    const [a] = (await wf.queryStep({ name: "hello-a" }));
    const [b] = (await wf.queryStep({ name: "hello-b" }));
    expect(a!.startedAt!.getTime()).toBeLessThanOrEqual(b!.finishedAt!.getTime()); // same group
    expect(await artifactText(wf, "nested", "bar")).toBe("foo from python\n"); // through hello-b and both inner steps
  });

  it("dag: inferred dependencies", async () => {
    const wf = await run("dag.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "t4", "iter")).toBe("3");
    const [t4] = (await wf.queryStep({ name: "t4" }));
    const [t3] = (await wf.queryStep({ name: "t3" }));
    expect(t4!.startedAt!.getTime()).toBeGreaterThanOrEqual(t3!.finishedAt!.getTime());
    const [h0] = await wf.queryStep({ name: "hello0" });
    const [h1] = await wf.queryStep({ name: "hello1" });
    expect(h1!.startedAt!.getTime()).toBeGreaterThanOrEqual(h0!.finishedAt!.getTime()); // inferred from the artifact
    expect(await artifactText(wf, "hello1", "bar")).toBe("Hello\n");
  });

  it("recurse: stops when the condition says so", async () => {
    const wf = await run("recurse.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    const adds = (await wf.queryStep({ name: "add" }));
    expect(adds.map((s) => s.outputs.parameters.iter!.value)).toEqual(["1", "2", "3", "4", "5"]);
    expect(adds.map((s) => s.key)).toEqual(["iter-0", "iter-1", "iter-2", "iter-3", "iter-4"]);
  });

  it("conditional outputs: the taken branch feeds the Steps output", async () => {
    const wf = await run("conditional-outputs.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    const n = Number(await param(wf, "roll", "n"));
    const [pick] = (await wf.queryStep({ name: "pick" }));
    expect(pick!.outputs.parameters.verdict!.value).toBe(n >= 5 ? "big" : "small");
    expect((await wf.queryStep({ name: n >= 5 ? "small" : "big" }))[0]!.phase).toBe("Skipped");
    expect(await artifactText(wf, "pick", "file")).toBe(n >= 5 ? "big\n" : "small\n");
  });

  it("loops: fan-out and aggregated outputs", async () => {
    const wf = await run("loops.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "total", "total")).toBe("30");
    expect((await wf.queryStep({ name: "per-name" })).filter((s) => s.type === "Pod").map((s) => s.outputs.parameters.y!.value).sort()).toEqual(["1", "4", "9"]);
    expect((await wf.queryStep({ name: "ranged" })).filter((s) => s.type === "Pod")).toHaveLength(3);
    expect((await wf.queryStep({ name: "each" })).map((s) => s.outputs.parameters.y!.value).sort()).toEqual(["25", "36"]);
  });

  it("slices: each child gets its element", async () => {
    const wf = await run("slices.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    const kids = (await wf.queryStep({ name: /measure\(.*\)/ }));
    expect(kids).toHaveLength(4);
    for (const k of kids) expect(k.outputs.parameters.size!.value).toBe("7"); // "part i\n"
    // The reports of all children, stacked into one artifact, read back as a list in slice order.
    expect(await param(wf, "gather", "text")).toBe([0, 1, 2, 3].map((i) => `part-${i}.txt: 7`).join("; "));
    expect(await param(wf, "gather", "count")).toBe("4");
  });

  it("subpath-slices: each child fetches only its element; createDir keeps same-named outputs apart", async () => {
    const wf = await run("subpath-slices.ts");
    expect(await wf.queryStatus()).toBe("Succeeded");
    const kids = await wf.queryStep({ name: /hello\(.*\)/ });
    expect(kids).toHaveLength(5);
    for (const k of kids) {
      // Only its own file came: the input is that one file, not the list.
      const order = Number(k.inputs.parameters.dflow_slice!.value);
      const foo = path.resolve(root, wf.id!, k.inputs.artifacts.foo!.path!);
      expect(readFileSync(foo, "utf8")).toBe(`foo ${order}\n`);
    }
    expect(await param(wf, "check", "text")).toBe([0, 1, 2, 3, 4].map((i) => `msg ${i} got foo ${i}`).join("; "));
  });

  it("error handling: retries, continue on failure, success ratio", async () => {
    const wf = await run("error-handling.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    const [transient] = (await wf.queryStep({ name: "transient", type: "Retry" }));
    expect(transient!.phase).toBe("Failed");
    expect((await wf.queryStep({ name: /transient\(\d\)/ }))).toHaveLength(3); // 1 try + 2 retries
    expect((await wf.queryStep({ name: /fatal\(\d\)/ }))).toHaveLength(1); // fatal: no retry
    const slow = await wf.queryStep({ name: /too-slow\(\d\)/ }); // timeout counted as transient: retried once
    expect(slow.map((s) => s.message)).toEqual(Array(2).fill("Pod was active on the node longer than the specified deadline"));
    const stepTimeout = await wf.queryStep({ name: "step-timeout", type: "Pod" }); // no retry
    expect(stepTimeout.map((s) => [s.phase, s.message])).toEqual([["Failed", "Pod was active on the node longer than the specified deadline"]]);
    expect((await wf.queryStep({ name: "ratio-success-check" }))[0]!.phase).toBe("Succeeded");
    expect((await wf.queryStep({ name: "after" }))[0]!.phase).toBe("Succeeded");
  });

  it("success ratio: enough children succeed, the failed ones are known, the steps after run", async () => {
    const wf = await run("success-ratio.ts");
    expect(await wf.queryStatus()).toBe("Succeeded");
    const failed = async (name: string) =>
      (await wf.queryStep({ name, type: "Pod" })).filter((s) => s.phase === "Failed").map((s) => s.inputs.parameters.i!.value).sort();
    expect(await failed("by-ratio")).toEqual(["1", "3"]); // TransientError in the function OP
    expect(await failed("by-count")).toEqual(["2"]); // exit 1 in the shell OP
    const check = async (name: string) => (await wf.queryStep({ name }))[0]!.outputs.result?.trim();
    expect(await check("by-ratio-success-check")).toBe("3 of 5 parallel steps succeeded (ratio 0.6 needed)");
    expect(await check("by-count-success-check")).toBe("3 of 4 parallel steps succeeded (count 3 needed)");
    expect(await param(wf, "gather", "succeeded")).toBe("[0,4,16]"); // failed children gave ""
  });

  it("optional artifacts and output defaults", async () => {
    const wf = await run("optional-and-defaults.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "without-extra", "got")).toBe("nothing");
    expect(await param(wf, "default-output", "msg")).toBe("no message");
    expect(await param(wf, "skipped", "msg")).toBe("was skipped");
  });

  it("reuse example: keys locate steps", async () => {
    const wf = await run("reuse.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect((await wf.queryStep({ key: "first" }))).toHaveLength(1);
    expect((await wf.queryStep({ key: ["iter-0", "iter-1", "iter-2"] })).map((s) => s.outputs.parameters.iter!.value)).toEqual(["1", "2", "3"]);
  });

  it("class OP", async () => {
    const wf = await run("class-op.ts");
    expect((await wf.queryStatus())).toBe("Succeeded");
    expect(await param(wf, "step0", "msg")).toBe("HelloWorld!");
  });
});

describe("success ratio not met", () => {
  // The same workflow with thresholds one child too high: the check fails, so does the run.
  for (const [opts, check, text] of [
    [{ ratio: 0.8 }, "by-ratio-success-check", "3 of 5 parallel steps succeeded (ratio 0.8 needed)"],
    [{ numSuccess: 4 }, "by-count-success-check", "3 of 4 parallel steps succeeded (count 4 needed)"],
  ] as const) {
    it(`fails with ${JSON.stringify(opts)}`, async () => {
      const { successRatio } = (await import(path.join(repoRoot, "examples", "success-ratio.ts"))) as typeof import("../../examples/success-ratio.ts");
      const wf = successRatio(opts);
      await wf.submit({ root, parallelism: 2 });
      expect(await wf.wait()).toBe("Failed");
      const [c] = await wf.queryStep({ name: check });
      expect(c!.phase).toBe("Failed");
      expect(c!.outputs.result?.trim()).toBe(text);
      expect(await wf.queryStep({ name: "gather", phase: "Succeeded" })).toEqual([]);
    });
  }
});

describe("progress", () => {
  it("is reported live and kept in the record", async () => {
    const wf = ((await import(path.join(repoRoot, "examples", "progress.ts"))) as { default: Workflow<any> }).default;
    const seen = new Set<string>();
    await wf.submit({
      root,
      parallelism: 2,
      onEvent: (e) => {
        if (e.type === "step" && e.change === "progress" && e.step.progress) seen.add(`${e.step.name} ${e.step.progress}`);
      },
    });
    expect(await wf.wait()).toBe("Succeeded");
    expect((await wf.queryStep({ name: "class-op" }))[0]!.progress).toBe("10/10");
    expect((await wf.queryStep({ name: "function-op" }))[0]!.progress).toBe("5/5");
    // Some intermediate value was seen while the step ran.
    expect([...seen].some((s) => /^class-op [1-9]\/10$/.test(s))).toBe(true);
  });
});

describe("shipped packages", () => {
  it("a Python script step imports a local package shipped in the manifest", async () => {
    const wf = await run("packages.ts");
    expect(await wf.queryStatus()).toBe("Succeeded");
    expect(await param(wf, "greet", "msg")).toBe("hello, dflow-ts");
  });
});
