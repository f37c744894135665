// Where a declared absolute path of the original template lives, locally and on the remote host.
import { join, posix } from "node:path";
import { IO_ROOT } from "../../argo/dflow-conventions.ts";

/**
 * Local path of a declared path. The rendered template is a function-kind template, so the local
 * engine resolves its paths exactly as src/engine/paths.ts functionPathMap does (mirrored here:
 * /tmp/… under DFLOW_IO_ROOT, anything else under the step's cwd). Without DFLOW_IO_ROOT (a pod on
 * Argo) the declared path is the real one.
 */
export function localPath(declared: string, ioRoot: string | undefined, cwd: string): string {
  if (!ioRoot) return declared;
  const n = posix.normalize("/" + declared);
  if (n === IO_ROOT || n.startsWith(IO_ROOT + "/")) return join(ioRoot, n.slice(IO_ROOT.length));
  return join(cwd, n);
}

/** Remote path of a declared path: the job's root/ stands for the container's "/". */
export function remotePath(declared: string, root: string): string {
  return posix.join(root, posix.normalize("/" + declared));
}

const PATH_CHAR = "A-Za-z0-9_.\\-";
/** Top-level directories that stay the host's (the job runs the host's tools from them). */
const HOST_DIRS = new Set(["bin", "sbin", "usr", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc", "sys", "run", "var", "opt", "home", "root", "boot", "snap", "nix", "srv", "media"]);

/**
 * Rewrites declared absolute paths inside command lines, env values and script sources so that
 * they point under the job's root/: the same rule as the engine's containerPathMap (the declared
 * paths and their top-level directories unless those are the host's, whole path components only),
 * so a script behaves on the cluster as it does locally.
 */
export function remoteRewriter(root: string, declared: readonly string[]): (text: string) => string {
  const absolute = declared.filter((p) => p.startsWith("/")).map((p) => posix.normalize(p).replace(/\/+$/, ""));
  const privateTops = absolute.map((p) => `/${p.split("/")[1] ?? ""}`).filter((top) => top !== "/" && !HOST_DIRS.has(top.slice(1)));
  const roots = [...new Set([...absolute, ...privateTops])]
    .filter((p) => p !== "")
    .sort((a, b) => b.length - a.length);
  if (roots.length === 0) return (t) => t;
  const escaped = roots.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp(`(?<![${PATH_CHAR}/])(?:${escaped.join("|")})(?![${PATH_CHAR}])`, "g");
  return (text) => text.replace(re, (m) => remotePath(m, root));
}
