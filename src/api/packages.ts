import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Artifact } from "../argo/manifest.ts";
import { ValidationError } from "./errors.ts";

/** Where shipped packages land in a step; on PYTHONPATH for Python scripts. */
export const PACKAGES_DIR = "/tmp/dflow/packages";
const MAX_BYTES = 1 << 20;
const SKIP = new Set(["__pycache__", ".git", "node_modules", ".mypy_cache", ".pytest_cache"]);

/**
 * Local packages shipped into a script step (dflow's python_packages / upload_packages): every
 * file becomes a raw input artifact under PACKAGES_DIR/<package name>/, so the manifest carries
 * them to any backend. For development-sized packages of text files; larger ones belong in an
 * image or an uploaded artifact.
 */
export function packageArtifacts(paths: readonly string[], where: string): Artifact[] {
  const out: Artifact[] = [];
  let total = 0;
  const names = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(p);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      throw new ValidationError(`${where}: package ${JSON.stringify(p)} does not exist`, p, "package");
    }
    const base = path.basename(abs);
    if (names.has(base)) throw new ValidationError(`${where}: two packages are named "${base}"`, p, "package");
    names.add(base);
    const files = st.isDirectory() ? walk(abs) : [abs];
    for (const f of files) {
      const data = readFileSync(f);
      if (data.includes(0)) throw new ValidationError(`${where}: package file ${f} is binary; ship it in an image or with uploadArtifact`, f, "package");
      total += data.length;
      if (total > MAX_BYTES) throw new ValidationError(`${where}: packages exceed ${MAX_BYTES} bytes; ship them in an image or with uploadArtifact`, p, "package");
      const rel = st.isDirectory() ? path.join(base, path.relative(abs, f)) : base;
      out.push({ name: `dflow-pkg-${out.length}`, path: path.posix.join(PACKAGES_DIR, ...rel.split(path.sep)), raw: { data: data.toString("utf8") } });
    }
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile() && !e.name.endsWith(".pyc")) out.push(p);
  }
  return out;
}
