import { posix } from "node:path";
import { StorageError } from "./client.ts";

/**
 * A relative path inside an artifact (an archive entry name, or a key below an artifact's prefix),
 * normalised to "a/b/c". Absolute paths, ".." segments and NUL are refused: such a path could
 * write outside the directory being filled.
 */
export function safeRelative(p: string, what: string): string {
  if (p.includes("\0")) throw new StorageError(`${what} ${JSON.stringify(p)} contains NUL`);
  if (p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p)) throw new StorageError(`${what} ${JSON.stringify(p)} is absolute`);
  if (p.split("/").includes("..")) throw new StorageError(`${what} ${JSON.stringify(p)} contains ".."`);
  const n = posix.normalize(p).replace(/\/+$/, "");
  return n === "." ? "" : n;
}

/** Where a symbolic link at `linkPath` (relative) points, relative to the same root; throws if outside. */
export function safeLinkTarget(linkPath: string, target: string, what: string): string {
  if (target.startsWith("/")) throw new StorageError(`${what} ${JSON.stringify(linkPath)} links to the absolute path ${JSON.stringify(target)}`);
  // ".." only at the start: "a/l/.." stays inside on paper, but if "a/l" is itself a link the
  // real ".." climbs from wherever that link points.
  const segs = target.split("/");
  let up = 0;
  while (segs[up] === "..") up++;
  if (segs.slice(up).includes(".."))
    throw new StorageError(`${what} ${JSON.stringify(linkPath)} links through ".." after a name (${JSON.stringify(target)})`);
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  if (resolved === ".." || resolved.startsWith("../"))
    throw new StorageError(`${what} ${JSON.stringify(linkPath)} links outside its directory (${JSON.stringify(target)})`);
  return resolved;
}
