import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Template } from "../../src/argo/manifest.ts";

export interface PodRun {
  status: number | null;
  stdout: string;
  stderr: string;
  root: string;
}

/**
 * Runs a function-OP script template the way a pod would: the source in an extension-less file,
 * `command + [file]`, env from the template with `{{inputs.parameters.x}}` filled in, and the IO
 * root (normally /tmp) moved to a temporary directory. `files`: more files to place, by their path in
 * the pod (under /tmp, moved with the IO root), such as a bundle that arrives as an input artifact.
 */
export function runLikePod(t: Template, params: Record<string, string>, artifacts: Record<string, string> = {}, files: Record<string, string> = {}): PodRun {
  const root = mkdtempSync(path.join(tmpdir(), "dflow-pod-"));
  const work = path.join(root, "work");
  mkdirSync(work);
  const script = path.join(root, "script");
  writeFileSync(script, t.script!.source);
  for (const [name, text] of Object.entries(artifacts)) {
    mkdirSync(path.join(root, "inputs", "artifacts"), { recursive: true });
    writeFileSync(path.join(root, "inputs", "artifacts", name), text);
  }
  for (const [podPath, text] of Object.entries(files)) {
    if (!podPath.startsWith("/tmp/")) throw new Error(`runLikePod: ${podPath} is not under /tmp`);
    const file = path.join(root, podPath.slice("/tmp/".length));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", DFLOW_IO_ROOT: root };
  for (const e of t.script!.env ?? []) {
    env[e.name] = (e.value ?? "").replace(/\{\{inputs\.parameters\.([A-Za-z0-9_-]+)\}\}/g, (_, n: string) => params[n] ?? "");
  }
  const r = spawnSync(t.script!.command![0]!, [...t.script!.command!.slice(1), script], { cwd: work, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, root };
}
