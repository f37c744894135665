// Local-engine benchmark (not a test): `npx tsx bench/engine.ts` (or `npm run bench`).
//
// Cases, all at engine parallelism 2:
//   fan-out  N trivial shell steps (`sh -c true`, withSequence) + one gather step
//   chain    M trivial shell steps one after the other
//   function K trivial function-OP steps (withSequence; one input and one output parameter)
// Each shell case is printed with its ratio to a baseline measured in the same run: spawning the
// same number of `sh -c true` processes straight from Node with concurrency 2 (for the chain,
// which cannot run two at a time, also one at a time). Targets: ≤ 1.5× baseline for the shell
// cases, ≥ 2,000 function-OP steps per second.
//
// Options: --fanout N (500) --chain M (50) --functions K (10000) --repeat R (3) --keep (keep records)
//          --root DIR (where the records go; default the OS temp dir)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Template, Workflow as Manifest } from "../src/argo/manifest.ts";
import { startWorkflow } from "../src/engine/index.ts";
import { argoSequence, Step, Workflow } from "../src/index.ts";
import { echo } from "./ops.ts";

const { values: opt } = parseArgs({
  options: {
    fanout: { type: "string", default: "500" },
    chain: { type: "string", default: "50" },
    functions: { type: "string", default: "10000" },
    repeat: { type: "string", default: "3" },
    root: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const FANOUT = Number(opt.fanout);
const CHAIN = Number(opt.chain);
const FUNCTIONS = Number(opt.functions);
const REPEAT = Math.max(1, Number(opt.repeat));
const PARALLELISM = 2;

const root = mkdtempSync(join(opt.root ?? tmpdir(), "dflow-bench-"));

/** Spawn `count` `sh -c true` processes, at most `concurrency` at a time; milliseconds taken. */
async function baseline(count: number, concurrency: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const child = spawn("sh", ["-c", "true"], { stdio: "ignore" });
        child.on("error", reject);
        child.on("close", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return performance.now() - t0;
}

const trivial: Template = { name: "trivial", container: { image: "alpine", command: ["sh", "-c"], args: ["true"] } };

function manifest(name: string, templates: Template[]): Manifest {
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name }, spec: { entrypoint: "main", templates } };
}

function fanOut(n: number, id: string): Manifest {
  return manifest(id, [
    { name: "main", steps: [[{ name: "fan", template: "trivial", withSequence: { count: String(n) } }], [{ name: "gather", template: "trivial" }]] },
    trivial,
  ]);
}

function chain(n: number, id: string): Manifest {
  return manifest(id, [{ name: "main", steps: Array.from({ length: n }, (_, i) => [{ name: `s${i}`, template: "trivial" }]) }, trivial]);
}

function functions(n: number, id: string): Manifest {
  const wf = new Workflow({ name: id });
  wf.add(new Step({ name: "op", template: echo, parameters: { x: "{{item}}" as unknown as number }, withSequence: argoSequence({ count: n }) }));
  return wf.compile({ inlineBundleLimit: Infinity }) as Manifest;
}

let runNo = 0;
/** Busy time of the engine's event loop (main thread) per run, the scheduler's serial share. */
const mainBusy = new Map<string, number[]>();
async function runEngine(m: Manifest, label = m.metadata.name!): Promise<number> {
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  const result = await startWorkflow(m, { root, id: `${label}-${runNo++}`, parallelism: PARALLELISM }).done;
  const ms = performance.now() - t0;
  const busy = performance.eventLoopUtilization(elu).active;
  const list = mainBusy.get(label) ?? [];
  list.push(busy);
  mainBusy.set(label, list);
  if (result.phase !== "Succeeded") throw new Error(`${m.metadata.name}: ${result.phase} ${result.message ?? ""}`);
  const pods = result.record.steps.filter((s) => s.type === "Pod").length;
  return pods === 0 ? NaN : ms;
}

interface Row {
  case: string;
  /** Median busy ms of the engine's main thread. */
  busy?: number;
  steps: number;
  ms: number;
  baselineMs?: number;
  ratio?: number;
  baselineNote?: string;
  target: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Engine and baseline measured in turns (load on a shared machine hits both); medians, and the median of the pairs' ratios. */
async function measure(engine: () => Promise<number>, base?: () => Promise<number>): Promise<{ ms: number; baselineMs?: number; ratio?: number }> {
  const e: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    if (base) b.push(await base());
    e.push(await engine());
  }
  if (!base) return { ms: median(e) };
  return { ms: median(e), baselineMs: median(b), ratio: median(e.map((x, i) => x / b[i]!)) };
}

const rows: Row[] = [];
// Warm up: module loading, the function-OP bundle, the first worker fork.
await runEngine(fanOut(4, "warm-shell"));
if (FUNCTIONS > 0) await runEngine(functions(4, "warm-fn"), "warm-fn");
await baseline(20, PARALLELISM);

if (FANOUT > 0) {
  const m = await measure(() => runEngine(fanOut(FANOUT, "fanout")), () => baseline(FANOUT + 1, PARALLELISM));
  rows.push({ case: `fan-out ${FANOUT} + gather`, steps: FANOUT + 1, ...m, busy: median(mainBusy.get("fanout")!), baselineNote: `${FANOUT + 1} spawns, 2 at a time`, target: "≤ 1.5×" });
}
if (CHAIN > 0) {
  const m = await measure(() => runEngine(chain(CHAIN, "chain")), () => baseline(CHAIN, 1));
  rows.push({ case: `chain ${CHAIN}`, steps: CHAIN, ...m, busy: median(mainBusy.get("chain")!), baselineNote: `${CHAIN} spawns, 1 at a time`, target: "≤ 1.5×" });
  const p = await measure(() => runEngine(chain(CHAIN, "chain")), () => baseline(CHAIN, PARALLELISM));
  rows.push({ case: `chain ${CHAIN}`, steps: CHAIN, ...p, baselineNote: `${CHAIN} spawns, 2 at a time`, target: "(a chain cannot overlap)" });
}
if (FUNCTIONS > 0) {
  const m = await measure(() => runEngine(functions(FUNCTIONS, "functions"), "functions"));
  rows.push({ case: `function OPs ${FUNCTIONS}`, steps: FUNCTIONS, ...m, busy: median(mainBusy.get("functions")!), target: "≥ 2,000 steps/s" });
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
const table = [
  ["case", "steps", "engine ms", "steps/s", "baseline ms", "ratio", "target", "main thread ms/step", "baseline"],
  ...rows.map((r) => [
    r.case,
    String(r.steps),
    fmt(r.ms),
    fmt((r.steps / r.ms) * 1000),
    r.baselineMs === undefined ? "-" : fmt(r.baselineMs),
    r.ratio === undefined ? "-" : `${fmt(r.ratio, 2)}×`,
    r.target,
    r.busy === undefined ? "-" : fmt(r.busy / r.steps, 2),
    r.baselineNote ?? "",
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`node ${process.version}, ${cpus().length} cores, engine parallelism ${PARALLELISM}, median of ${REPEAT}, records in ${root}`);
console.log(line(table[0]!));
console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const row of table.slice(1)) console.log(line(row));
if (opt.keep) console.log(`records kept in ${root}`);
else rmSync(root, { recursive: true, force: true });
