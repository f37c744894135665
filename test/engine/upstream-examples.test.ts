// Runs every upstream Argo example in ../shared/argo/examples and checks the phase Argo would give,
// plus spot checks of outputs. All workflows start together (they mostly sleep), so the file takes
// about as long as the slowest example (parallelism-nested-dag, ~80 s of sleeps).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Workflow } from "../../src/argo/manifest.ts";
import { startWorkflow, type RunResult, type StepRecord } from "../../src/engine/index.ts";
import { tempRoot } from "./helpers.ts";

const EXAMPLES = resolve(process.env.DFLOW_ARGO_EXAMPLES ?? join(import.meta.dirname, "../../../shared/argo/examples"));
const present = existsSync(EXAMPLES);
if (!present) console.warn(`upstream-examples: skipped, ${EXAMPLES} is absent (set DFLOW_ARGO_EXAMPLES to its location)`);

type Check = (r: RunResult) => void;
const pods = (r: RunResult) => r.record.steps.filter((s) => s.type === "Pod");
const byName = (r: RunResult, name: string): StepRecord => {
  const s = r.record.steps.filter((x) => x.name === name && x.type !== "Skipped");
  expect(s, `step ${name}`).toHaveLength(1);
  return s[0]!;
};
const succeededIffLastAttemptDid: Check = (r) => {
  const retry = r.record.steps.find((s) => s.type === "Retry")!;
  const attempts = r.record.steps.filter((s) => s.parentId === retry.id);
  expect(attempts.at(-1)!.phase).toBe(r.phase === "Succeeded" ? "Succeeded" : "Failed");
  expect(attempts.slice(0, -1).every((a) => a.phase === "Failed")).toBe(true);
};

/** Expected phase (or, for random examples, a consistency check) per example. */
const EXPECT: Record<string, { phase?: RunResult["phase"]; check?: Check; timeout?: number }> = {
  "arguments-parameters": { phase: "Succeeded", check: (r) => expect(pods(r)[0]!.outputs.result).toBe("hello world") },
  "artifact-passing-subpath": {
    phase: "Succeeded",
    check: (r) => {
      expect(byName(r, "list-artifact").outputs.result).toContain("hello_world.txt");
      expect(byName(r, "consume-artifact").outputs.result).toBe("hello world");
    },
  },
  "artifact-path-placeholders": { phase: "Succeeded", check: (r) => expect(pods(r)[0]!.outputs.parameters["actual-lines-count"]).toBe("3") },
  coinflip: { phase: "Succeeded" },
  "conditional-artifacts": {
    phase: "Succeeded",
    check: (r) => {
      const flip = byName(r, "flip-coin").outputs.result;
      const root = r.record.steps.find((s) => s.type === "Steps")!;
      expect(readFileSync(root.outputs.artifacts.result!, "utf8")).toBe(`it was ${flip}`);
    },
  },
  "conditionals-complex": { phase: "Succeeded" },
  "dag-coinflip": { phase: "Succeeded" },
  "dag-conditional-parameters": {
    phase: "Succeeded",
    check: (r) => expect(r.record.steps.find((s) => s.type === "DAG")!.outputs.parameters.stepresult).toBe(byName(r, "flip-coin").outputs.result),
  },
  "dag-diamond-steps": { phase: "Succeeded", check: (r) => expect(pods(r)).toHaveLength(12) },
  "dag-disable-failFast": {
    phase: "Failed",
    check: (r) => {
      expect(byName(r, "E").phase).toBe("Succeeded");
      expect(r.record.steps.filter((s) => /^C\(\d\)$/.test(s.name))).toHaveLength(4);
    },
  },
  "dag-multiroot": { phase: "Succeeded" },
  "dag-targets": { phase: "Succeeded", check: (r) => expect(pods(r).map((s) => s.name).sort()).toEqual(["A", "C", "E"]) },
  "exit-code-output-variable": { phase: "Succeeded", check: (r) => expect(byName(r, "echo-container").outputs.result).toBe("Exit code was: 123") },
  "exit-handlers": {
    phase: "Failed",
    check: (r) => {
      expect(byName(r, "cry").phase).toBe("Succeeded");
      expect(r.record.steps.find((s) => s.name === "celebrate")!.phase).toBe("Skipped");
      expect(byName(r, "notify").outputs.result).toMatch(new RegExp(`send e-mail: ${r.id} Failed`));
    },
  },
  "expression-destructure-json": { phase: "Succeeded", check: (r) => expect(pods(r)[0]!.outputs.result).toBe("123") },
  forever: { phase: "Failed", timeout: 3, check: (r) => expect(r.message).toBe("Step exceeded its deadline") },
  "global-parameters": { phase: "Succeeded", check: (r) => expect(pods(r)[0]!.outputs.result).toBe("hello world") },
  "image-pull-secrets": { phase: "Succeeded" },
  "loops-arbitrary-sequential-steps": {
    phase: "Failed",
    check: (r) => expect(pods(r).map((s) => s.phase)).toEqual(["Succeeded", "Succeeded", "Succeeded", "Failed"]),
  },
  "loops-param-result": { phase: "Succeeded", check: (r) => expect(pods(r).filter((s) => s.name.startsWith("sleep("))).toHaveLength(11) },
  loops: { phase: "Succeeded", check: (r) => expect(pods(r).map((s) => s.name)).toEqual(["print-message-loop(0:hello world)", "print-message-loop(1:goodbye world)"]) },
  "output-parameter": { phase: "Succeeded", check: (r) => expect(byName(r, "consume-parameter").outputs.result).toBe("hello world") },
  "parallelism-nested-dag": { phase: "Succeeded", check: (r) => expect(pods(r)).toHaveLength(15) },
  "parallelism-nested": { phase: "Succeeded", check: (r) => expect(pods(r)).toHaveLength(16) },
  "parameter-aggregation-dag": {
    phase: "Succeeded",
    check: (r) => {
      expect(byName(r, "print-nums").outputs.result).toBe('["1","2","3","4"]');
      expect(pods(r).filter((s) => s.name.startsWith("print(")).map((s) => s.outputs.result)).toEqual(["1", "2"]);
    },
  },
  "parameter-aggregation": {
    phase: "Succeeded",
    check: (r) => {
      expect(byName(r, "print-evenness").outputs.result).toBe('["odd","even","odd","even"]');
      expect(pods(r).filter((s) => s.name.startsWith("print(")).map((s) => s.outputs.result)).toEqual(["1", "2"]);
    },
  },
  "pod-resources": { phase: "Succeeded" },
  resubmit: { check: (r) => expect(r.phase).toBe(pods(r).some((s) => s.phase === "Failed") ? "Failed" : "Succeeded") },
  "retry-conditional": { phase: "Failed" },
  "retry-container": { check: succeededIffLastAttemptDid },
  "retry-script": { check: succeededIffLastAttemptDid },
  "scripts-bash": { phase: "Succeeded", check: (r) => expect(byName(r, "print").outputs.result).toMatch(/^result was: \d+$/) },
  "scripts-python": { phase: "Succeeded", check: (r) => expect(byName(r, "print").outputs.result).toMatch(/^result was: \d+$/) },
  "step-level-timeout": {
    phase: "Failed",
    check: (r) => expect(byName(r, "sleep1").message).toBe("Pod was active on the node longer than the specified deadline"),
  },
  "template-defaults": {
    check: (r) => {
      // templateDefaults put retryStrategy (limit 2) and timeout on every template, main included.
      expect(r.record.steps.filter((s) => s.type === "Retry").length).toBeGreaterThanOrEqual(2);
      expect(r.phase).toBe(r.record.steps.some((s) => s.name === "hello-world" && s.phase === "Succeeded") ? "Succeeded" : "Failed");
    },
  },
  "withsequence-nested-result": {
    phase: "Succeeded",
    check: (r) => {
      // withSequence 1..end counts down when end < 1, as Argo does: |end - 1| + 1 children.
      const a = Number(byName(r, "hello-a").outputs.result);
      expect(r.record.steps.filter((s) => s.type === "Steps" && s.name.startsWith("hello-b("))).toHaveLength(Math.abs(a - 1) + 1);
    },
  },
};

describe.skipIf(!present)("upstream Argo examples", () => {
  const files = present ? readdirSync(EXAMPLES).filter((f) => f.endsWith(".yaml")).sort() : [];
  const runs = new Map<string, Promise<RunResult>>();

  beforeAll(() => {
    const root = tempRoot();
    for (const f of files) {
      const name = f.replace(/\.yaml$/, "");
      const manifest = parse(readFileSync(join(EXAMPLES, f), "utf8")) as Workflow;
      const timeoutSeconds = EXPECT[name]?.timeout ?? 150;
      runs.set(name, startWorkflow(manifest, { root, parallelism: 12, timeoutSeconds }).done);
    }
  });

  it("has an expectation for every example", () => {
    expect(files.map((f) => f.replace(/\.yaml$/, "")).filter((n) => !EXPECT[n])).toEqual([]);
    expect(files).toHaveLength(36);
  });

  for (const f of files) {
    const name = f.replace(/\.yaml$/, "");
    it(name, async () => {
      const r = await runs.get(name)!;
      const e = EXPECT[name]!;
      if (e.phase) expect(r.phase, r.message).toBe(e.phase);
      e.check?.(r);
    }, 170_000);
  }
});
