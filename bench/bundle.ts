// Function-OP bundles (not a test): `npx tsx bench/bundle.ts [--repeat R]`.
//
// For five example OPs (four modules): the size of the bundle and the time bundleOp takes, with
// zod's non-English locales left out (the default) and kept (DFLOW_BUNDLE_ALL_ZOD_LOCALES=1). Each
// repetition is a fresh process bundling the five in turn, so "first" includes starting esbuild and
// "next" is the median of the others; times are medians over the repetitions.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const OPS: [string, string][] = [
  ["examples/ops/duplicate.ts", "duplicate"],
  ["examples/ops/math.ts", "plusOne"],
  ["examples/ops/files.ts", "measure"],
  ["examples/ops/progress.ts", "countUp"],
  ["examples/ops/math.ts", "square"],
];
const root = fileURLToPath(new URL("..", import.meta.url));
const { values: opt } = parseArgs({ options: { repeat: { type: "string", default: "5" }, child: { type: "boolean" } } });

if (opt.child) {
  const { bundleOp } = await import("../src/op/bundle.ts");
  const out = OPS.map(([file, op]) => {
    const t0 = performance.now();
    const b = bundleOp(`${root}${file}`, op);
    return { op, bytes: Buffer.byteLength(b.source), ms: performance.now() - t0 };
  });
  process.stdout.write(JSON.stringify(out));
} else {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const runs = Number(opt.repeat);
  for (const mode of ["stub", "keep"] as const) {
    const first: number[] = [];
    const next: number[] = [];
    let sizes: { op: string; bytes: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const env = { ...process.env, DFLOW_BUNDLE_ALL_ZOD_LOCALES: mode === "keep" ? "1" : "" };
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child"], { cwd: root, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
      const res = JSON.parse(r.stdout) as { op: string; bytes: number; ms: number }[];
      sizes = res;
      first.push(res[0]!.ms);
      next.push(median(res.slice(1).map((x) => x.ms)));
    }
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    console.log(`zod locales ${mode === "stub" ? "left out (default)" : "kept"}: ${sizes.map((s) => `${s.op} ${kib(s.bytes)}`).join(", ")}`);
    console.log(`  bundleOp: first ${median(first).toFixed(0)} ms, next ${median(next).toFixed(0)} ms (medians of ${runs} processes)`);
  }
}
