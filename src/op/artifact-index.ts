import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ArtifactShape, NestedPaths } from "./artifact.ts";

/**
 * An artifact is a directory (or a single file from a plain script). When an OP writes it, the
 * directory also holds this index, so that the next OP gets back the same shape: one path, a
 * list, a record or nested records, each relative to the artifact's root.
 */
export const INDEX_FILE = ".dflow-artifact.json";

/**
 * A stacked artifact: the outputs of the parallel steps of a sliced loop, merged under one key.
 * Each slice adds its own index as `<STACK_DIR>/<slice>.json` (slices write concurrently, so no
 * single index file); the stack reads back as the slices' items in slice order.
 */
export const STACK_DIR = ".dflow-slices";

export interface ArtifactIndex {
  shape: ArtifactShape;
  items: string | string[] | NestedPaths;
}

/** Joins `rel` under `root`, refusing anything that would land outside it. */
export function within(root: string, rel: string): string {
  const p = path.resolve(root, rel);
  if (p !== root && !p.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
    throw new Error(`path ${JSON.stringify(rel)} escapes its directory ${root}`);
  }
  return p;
}

type Tree = string | string[] | NestedPaths;

function mapTree(t: Tree, f: (p: string) => string): Tree {
  if (typeof t === "string") return f(t);
  if (Array.isArray(t)) return t.map(f);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, mapTree(v, f) as string | NestedPaths]));
}

/** Local paths an input artifact stands for, in its declared shape. */
export function readArtifact(root: string, shape: ArtifactShape): Tree {
  const indexPath = path.join(root, INDEX_FILE);
  if (!existsSync(indexPath)) {
    if (shape === "path") return root;
    const stacked = stackItems(root);
    if (stacked && shape === "paths") return stacked.map((rel) => within(root, rel));
    if (stacked) throw new Error(`artifact at ${root} stacks the outputs of sliced steps: read it as Artifact.path() or Artifact.paths(), not ${shape}`);
    throw new Error(`artifact at ${root} has no ${INDEX_FILE} index, so it cannot be read as ${shape}`);
  }
  const index = JSON.parse(readFileSync(indexPath, "utf8")) as ArtifactIndex;
  return mapTree(index.items, (rel) => within(root, rel));
}

/** The items of a stacked artifact in slice order (each slice's list flattened), or undefined if it is not one. */
export function stackItems(root: string): string[] | undefined {
  const dir = path.join(root, STACK_DIR);
  if (!existsSync(dir)) return undefined;
  const parts = readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  return parts.flatMap((f) => flatItems((JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ArtifactIndex).items));
}

/** The paths an index lists, in order, whatever its shape. */
export function flatItems(t: Tree): string[] {
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t;
  return Object.values(t).flatMap((v) => flatItems(v));
}

/** Relative location inside an artifact for a path an OP returned (dflow keeps paths relative to cwd). */
function relativeFor(p: string, cwd: string): string {
  const abs = path.resolve(cwd, p);
  const rel = path.relative(cwd, abs);
  return rel.startsWith("..") || path.isAbsolute(rel) ? abs.replace(/^\/+/, "") : rel;
}

/** One slice's part of a stacked artifact: its number and whether it gets a directory of its own. */
export interface StackPart {
  slice: number;
  createDir: boolean;
}

/**
 * Copies what an OP returned into the output artifact directory and writes the index (for a
 * slice of a stacked artifact: its part index, and its files under `<slice>/` with createDir).
 */
export function writeArtifact(root: string, shape: ArtifactShape, value: Tree, cwd: string, part?: StackPart): void {
  mkdirSync(root, { recursive: true });
  const base = part?.createDir ? String(part.slice) : "";
  const items = mapTree(value, (p) => {
    if (typeof p !== "string") throw new Error(`expected a path, got ${JSON.stringify(p)}`);
    const src = path.resolve(cwd, p);
    if (!existsSync(src)) throw new Error(`output path ${JSON.stringify(p)} does not exist`);
    const rel = path.posix.join(base, relativeFor(p, cwd) || path.basename(src));
    const dest = within(root, rel);
    if (dest !== src) cpSync(src, dest, { recursive: true, dereference: false, verbatimSymlinks: false });
    return rel;
  });
  const index: ArtifactIndex = { shape, items };
  if (!part) return writeFileSync(path.join(root, INDEX_FILE), JSON.stringify(index));
  mkdirSync(path.join(root, STACK_DIR), { recursive: true });
  writeFileSync(path.join(root, STACK_DIR, `${part.slice}.json`), JSON.stringify(index));
}
