// Crash safety: a 200-step workflow (fan-out, chain, withParam loop, recursion) runs through the
// real CLI in a child process that is SIGKILLed at random moments (seeded; the seed is printed,
// DFLOW_SEED=<n> replays it) and resumed with `dflow resume`, 20 times in a row, then resumed to
// completion. Every step appends "<step> <attempt marker>" to a shared log when it completes and
// outputs the marker. Checked: a step recorded as finished is never run again (its marker never
// changes and no completion of it follows in the log), every step finished exactly once in the
// final record, and the outputs equal those of an uninterrupted run.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Template, Workflow } from "../../src/argo/manifest.ts";
import { readWorkflowRecord, startWorkflow, type WorkflowRecord } from "../../src/engine/index.ts";

const KILLS = Number(process.env.DFLOW_KILLS ?? 20);
const SEED = Number(process.env.DFLOW_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CLI = resolve(__dirname, "../../bin/dflow.js");
const PARALLELISM = 4;
const SLEEP = "0.35";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAN = 60;
const CHAIN = 40;
const LOOP = 40;
const REC = 57; // rec(57) runs 58 work steps
// 60 + 40 + 1 (gen) + 40 + 58 + 1 (gather) = 200 pods

function manifest(name: string): Workflow {
  const work: Template = {
    name: "work",
    inputs: { parameters: [{ name: "n" }] },
    outputs: { parameters: [{ name: "v", valueFrom: { path: "/out/v" } }, { name: "m", valueFrom: { path: "/out/m" } }] },
    script: {
      image: "alpine",
      command: ["sh"],
      source: [
        `sleep ${SLEEP}`,
        `mkdir -p /out`,
        `printf %s "{{inputs.parameters.n}}" | cksum | cut -d' ' -f1 > /out/v`,
        `m="$$-$(date +%s%N)"`,
        `echo "$m" > /out/m`,
        // The last thing a step does: report its completion.
        `echo "{{inputs.parameters.n}} $m" >> "{{workflow.parameters.log}}"`,
      ].join("\n"),
    },
  };
  const call = (step: string, n: string, extra: object = {}) => ({ name: step, template: "work", arguments: { parameters: [{ name: "n", value: n }] }, ...extra });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { name },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "log", value: "/dev/null" }] },
      templates: [
        {
          name: "main",
          dag: {
            tasks: [
              { ...call("fan", "fan-{{item}}"), withSequence: { count: String(FAN) } },
              { name: "chain", template: "chain" },
              { name: "gen", template: "gen" },
              { ...call("loop", "loop-{{item}}"), depends: "gen", withParam: "{{tasks.gen.outputs.result}}" },
              { name: "rec", template: "rec", arguments: { parameters: [{ name: "k", value: String(REC) }] } },
              {
                name: "gather",
                template: "gather",
                depends: "fan && chain && loop && rec",
                arguments: { parameters: [{ name: "fan", value: "{{tasks.fan.outputs.parameters.v}}" }, { name: "loop", value: "{{tasks.loop.outputs.parameters.v}}" }] },
              },
            ],
          },
        },
        { name: "chain", steps: Array.from({ length: CHAIN }, (_, i) => [call(`c${i}`, `chain-${i}`)]) },
        { name: "gen", script: { image: "alpine", command: ["sh"], source: `seq 0 ${LOOP - 1} | paste -sd, | sed 's/.*/[&]/'` } },
        {
          name: "rec",
          inputs: { parameters: [{ name: "k" }] },
          steps: [
            [call("w", "rec-{{inputs.parameters.k}}")],
            [{ name: "next", template: "rec", when: "{{inputs.parameters.k}} > 0", arguments: { parameters: [{ name: "k", value: "{{=asInt(inputs.parameters.k) - 1}}" }] } }],
          ],
        },
        {
          name: "gather",
          inputs: { parameters: [{ name: "fan" }, { name: "loop" }] },
          script: { image: "alpine", command: ["sh"], source: `printf '%s %s' '{{inputs.parameters.fan}}' '{{inputs.parameters.loop}}' | cksum` },
        },
        work,
      ],
    },
  };
}

/** Work steps by their `n`: the markers and values of those recorded as Succeeded. */
function finished(record: WorkflowRecord): Map<string, { m: string; v: string }> {
  const out = new Map<string, { m: string; v: string }>();
  for (const s of record.steps)
    if (s.type === "Pod" && s.templateName === "work" && s.phase === "Succeeded") {
      const n = s.inputs.parameters.n!;
      if (out.has(n)) throw new Error(`step ${n} is recorded as Succeeded twice`);
      out.set(n, { m: s.outputs.parameters.m!, v: s.outputs.parameters.v! });
    }
  return out;
}

function cli(args: string[], cwd: string): { child: ReturnType<typeof spawn>; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, exit, output: () => output };
}

describe("kill -9 and resume", () => {
  it(`survives ${KILLS} SIGKILLs at random moments (seed printed)`, { timeout: 240_000 }, async () => {
    console.log(`kill-resume seed: ${SEED} (replay with DFLOW_SEED=${SEED})`);
    const rnd = mulberry32(SEED);
    const work = mkdtempSync(join(tmpdir(), "dflow-kill-resume-"));
    const root = join(work, "runs");
    const log = join(work, "completions.log");
    writeFileSync(log, "");

    // The uninterrupted reference, in-process, alongside.
    const refLog = join(work, "reference.log");
    writeFileSync(refLog, "");
    const reference = startWorkflow(manifest("reference"), { root, parallelism: PARALLELISM, parameters: { log: refLog } }).done;

    const file = join(work, "wf.yaml");
    writeFileSync(file, stringify(manifest("kr")));
    const dir = join(root, "kr");
    const seen = new Map<string, string>(); // n → marker, once recorded as finished
    const check = (record: WorkflowRecord, when: string) => {
      for (const [n, { m }] of finished(record)) {
        const before = seen.get(n);
        if (before !== undefined && before !== m) throw new Error(`${when}: step ${n} finished as ${before}, later as ${m}: it ran again`);
        seen.set(n, m);
      }
    };

    let kills = 0;
    let killedMidRun = 0;
    for (let i = 0; i < KILLS; i++) {
      const args = existsSync(join(dir, "journal.jsonl"))
        ? ["resume", "kr", "--root", root, "--parallelism", String(PARALLELISM)]
        : ["run", file, "--root", root, "--parallelism", String(PARALLELISM), "-p", `log=${log}`];
      const p = cli(args, work);
      const delay = 400 + Math.floor(rnd() * 1400);
      const before = seen.size;
      const timer = setTimeout(() => p.child.kill("SIGKILL"), delay);
      const code = await p.exit;
      clearTimeout(timer);
      if (code === 0) throw new Error(`the run completed before kill ${i + 1} (delay ${delay} ms): make the workflow longer\n${p.output()}`);
      if (p.child.signalCode !== "SIGKILL") throw new Error(`engine exited ${code} before kill ${i + 1}:\n${p.output()}`);
      kills++;
      if (existsSync(join(dir, "journal.jsonl"))) {
        check(readWorkflowRecord(dir), `after kill ${i + 1}`);
        if (seen.size > before) killedMidRun++;
      }
    }

    const last = cli(["resume", "kr", "--root", root, "--parallelism", String(PARALLELISM)], work);
    const code = await last.exit;
    expect(code, last.output()).toBe(0);
    const record = readWorkflowRecord(dir);
    check(record, "at the end");
    expect(record.phase).toBe("Succeeded");
    const ref = await reference;
    expect(ref.phase).toBe("Succeeded");

    // Every step finished exactly once in the record, with the reference's values.
    const final = finished(record);
    const expected = finished(ref.record);
    expect(expected.size).toBe(FAN + CHAIN + LOOP + REC + 1);
    expect([...final.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [n, { v }] of expected) expect(final.get(n)!.v, n).toBe(v);
    const gather = (r: WorkflowRecord) => r.steps.find((s) => s.templateName === "gather")!.outputs.result;
    expect(gather(record)).toBe(gather(ref.record));
    const pods = (r: WorkflowRecord) => r.steps.filter((s) => s.type === "Pod" && s.phase === "Succeeded").length;
    expect(pods(record)).toBe(200);
    expect(pods(ref.record)).toBe(200);

    // The log: each step's recorded completion is its last one (no finished step ran again).
    const lines = readFileSync(log, "utf8").trim().split("\n");
    const byStep = new Map<string, string[]>();
    for (const line of lines) {
      const [n, m] = line.split(" ");
      byStep.set(n!, [...(byStep.get(n!) ?? []), m!]);
    }
    let reruns = 0;
    for (const [n, { m }] of final) {
      const ms = byStep.get(n) ?? [];
      expect(ms.filter((x) => x === m).length, `${n}: its recorded completion in the log`).toBe(1);
      expect(ms.at(-1), `${n}: completed again after its recorded completion`).toBe(m);
      reruns += ms.length - 1;
    }
    expect(byStep.size).toBe(final.size);
    console.log(
      `kill-resume: ${kills} kills (${killedMidRun} after some progress), ${lines.length} completions for ${final.size} steps ` +
        `(${reruns} unrecorded: orphans that completed after their engine died, before the resume killed the rest, ` +
        `or steps killed between their last line and their journal line; those steps ran again), seed ${SEED}`,
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
  });
});
