// The in-container side of a function OP. Bundled with the OP's module by bundle.ts: it reads
// inputs from the environment and files, checks them against the signature, runs the OP, checks
// and writes its outputs. Keep its imports light: all of them end up in every bundle.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ENV, EXIT, IO_ROOT } from "../argo/dflow-conventions.ts";
import type { ArtifactSpec } from "./artifact.ts";
import { readArtifact, writeArtifact } from "./artifact-index.ts";
import { isOPClass, type OP } from "./class-op.ts";
import { check, decodeParam, encodeParam } from "./codec.ts";
import { makeContext, type OpContext } from "./context.ts";
import { FatalError, TransientError } from "./errors.ts";
import { seenOp } from "./registry.ts";
import { type Sign, splitSign } from "./signature.ts";

export type Env = Record<string, string | undefined>;
export type RunOp = (env: Env) => Promise<number>;

interface Runnable {
  name: string;
  inputs: Sign;
  outputs: Sign;
  run(input: Record<string, unknown>, ctx: OpContext): unknown;
}

class SignatureError extends Error {}

/** Finds the OP among a module's exports: a defineOp() result or a class OP. */
function findOp(mod: Record<string, unknown>, opName: string, exportName: string | null): Runnable {
  const candidates = exportName && exportName in mod ? [mod[exportName]] : Object.values(mod);
  for (const v of candidates) {
    if (isOPClass(v)) {
      const name = (v as unknown as { opName?: string }).opName ?? v.name;
      if (name !== opName && exportName === null) continue;
      return {
        name: opName,
        inputs: v.inputSign(),
        outputs: v.outputSign(),
        run: (input, ctx) => {
          const op = new (v as unknown as new () => OP)();
          op.context = ctx;
          return op.execute(input as never, ctx);
        },
      };
    }
    const def = (v as { definition?: Runnable } | null)?.definition;
    if (def && def.name === opName && typeof def.run === "function") return def;
  }
  const def = seenOp(opName);
  if (def) return def as unknown as Runnable;
  throw new Error(`OP "${opName}" is not exported by its module: export it (export const ${opName} = defineOp(...)) so that it can be run`);
}

export function createRunOp(mod: Record<string, unknown>, opName: string, exportName: string | null): RunOp {
  return async (env) => {
    try {
      const op = findOp(mod, opName, exportName);
      return await execute(op, env);
    } catch (err) {
      return report(err, opName);
    }
  };
}

async function execute(op: Runnable, env: Env): Promise<number> {
  const root = env[ENV.ioRoot] || IO_ROOT;
  const cwd = process.cwd();
  const ins = splitSign(op.inputs, `OP "${op.name}" inputs`);
  const outs = splitSign(op.outputs, `OP "${op.name}" outputs`);
  const input: Record<string, unknown> = {};
  const problems: string[] = [];

  const slicing = sliceOf(env);
  for (const [i, [name, schema]] of ins.parameters.entries()) {
    let raw = env[`${ENV.inputPrefix}${i}`];
    if (slicing?.slices.inputParameter?.includes(name) && raw !== undefined) {
      const picked = pick(raw, slicing.index, `input parameter "${name}"`);
      raw = typeof picked === "string" ? picked : JSON.stringify(picked);
    }
    const r = raw === undefined ? await check(schema, undefined) : await decodeParam(schema, raw);
    if (r.ok) input[name] = r.value;
    else problems.push(`input parameter "${name}": ${r.message}`);
  }
  for (const [name, spec] of ins.artifacts) {
    const p = path.join(root, "inputs", "artifacts", name);
    if (!existsSync(p)) {
      if (spec.optional) input[name] = undefined;
      else problems.push(`input artifact "${name}": missing at ${p}`);
      continue;
    }
    try {
      // In subPath mode the step was given only its own element of the list.
      if (slicing?.slices.inputArtifact?.includes(name) && !slicing.slices.subPath) {
        const all = readArtifact(p, "paths");
        input[name] = pick(JSON.stringify(all), slicing.index, `input artifact "${name}"`);
      } else input[name] = readArtifact(p, spec.shape);
    } catch (e) {
      problems.push(`input artifact "${name}": ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new SignatureError(`OP "${op.name}" got bad inputs:\n  ${problems.join("\n  ")}`);

  const ctx = makeContext(cwd, env[ENV.progressFile]);
  const result = await op.run(input, ctx);
  if (typeof result !== "object" || result === null) {
    throw new SignatureError(`OP "${op.name}" must return an object with its outputs, got ${result === null ? "null" : typeof result}`);
  }
  const out = result as Record<string, unknown>;
  const declared = new Set(Object.keys(op.outputs));
  for (const k of Object.keys(out)) if (!declared.has(k)) problems.push(`returned "${k}", which the output signature does not declare`);
  const paramValues: [string, string][] = [];
  for (const [name, schema] of outs.parameters) {
    const r = await check(schema, out[name]);
    if (!r.ok) problems.push(`output parameter "${name}": ${r.message}`);
    else if (r.value !== undefined) paramValues.push([name, encodeParam(r.value)]);
  }
  const artifactValues: [string, ArtifactSpec, unknown][] = [];
  for (const [name, spec] of outs.artifacts) {
    const v = out[name];
    if (v === undefined || v === null) {
      if (!spec.optional) problems.push(`output artifact "${name}": missing (return a path, or declare it optional)`);
    } else artifactValues.push([name, spec, v]);
  }
  if (problems.length) throw new SignatureError(`OP "${op.name}" returned bad outputs:\n  ${problems.join("\n  ")}`);

  const paramDir = path.join(root, "outputs", "parameters");
  mkdirSync(paramDir, { recursive: true });
  for (const [name, text] of paramValues) writeFileSync(path.join(paramDir, name), text);
  for (const [name, spec, v] of artifactValues) {
    try {
      const stacked = slicing?.slices.outputArtifact?.includes(name) ? { slice: slicing.index, createDir: !!slicing.slices.createDir } : undefined;
      writeArtifact(path.join(root, "outputs", "artifacts", name), spec.shape, v as string, cwd, stacked);
    } catch (e) {
      throw new SignatureError(`OP "${op.name}": output artifact "${name}": ${(e as Error).message}`);
    }
  }
  return 0;
}

interface SliceConfig {
  inputParameter?: string[];
  inputArtifact?: string[];
  outputArtifact?: string[];
  createDir?: boolean;
  subPath?: boolean;
}

/** The slice this step handles (DFLOW_SLICE) and what is sliced (DFLOW_SLICES), if any. */
function sliceOf(env: Env): { index: number; slices: SliceConfig } | undefined {
  const raw = env.DFLOW_SLICE;
  if (raw === undefined || raw === "") return undefined;
  const index = Number(raw);
  if (!Number.isInteger(index) || index < 0) throw new SignatureError(`slice index must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return { index, slices: JSON.parse(env.DFLOW_SLICES ?? "{}") as SliceConfig };
}

function pick(listText: string, index: number, what: string): unknown {
  let list: unknown;
  try {
    list = JSON.parse(listText);
  } catch {
    throw new SignatureError(`${what} is sliced, so it must be a JSON list, got ${JSON.stringify(listText.slice(0, 80))}`);
  }
  if (!Array.isArray(list)) throw new SignatureError(`${what} is sliced, so it must be a list, got ${typeof list}`);
  if (index >= list.length) throw new SignatureError(`${what} has ${list.length} elements, no slice ${index}`);
  return list[index];
}

function report(err: unknown, opName: string): number {
  const e = err as Error;
  if (err instanceof SignatureError) {
    process.stderr.write(`${e.message}\n`);
    return EXIT.signature;
  }
  if (err instanceof TransientError || (e as { name?: string })?.name === "TransientError") {
    process.stderr.write(`OP "${opName}" failed with a transient error: ${e.message}\n`);
    return EXIT.transient;
  }
  const kind = err instanceof FatalError ? "a fatal error" : "an error";
  process.stderr.write(`OP "${opName}" failed with ${kind}: ${e?.stack ?? String(err)}\n`);
  return EXIT.fatal;
}

/** `node script` in a pod: run from the process environment and exit with the OP's code. */
export function runAsMain(runOp: RunOp): void {
  runOp(process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = EXIT.fatal;
    },
  );
}
