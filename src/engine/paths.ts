// Path isolation for pod steps.
//
// Upstream templates read and write fixed absolute paths (/tmp/hello_world.txt, /inputs/text/data)
// and parallel steps must not clobber each other, nor the host. Each pod step therefore gets a
// private root, its `workdir/`, which stands for the container's "/": every absolute path the
// template declares (input artifact paths, output parameter valueFrom.path, output artifact paths,
// workingDir) maps to `workdir/<path>`, and exactly those paths (and anything below them) are
// rewritten in command, args, env values and script source, as dflow's debug mode does. The process
// runs with cwd = workdir (or its mapped workingDir), so relative writes such as `open("result.txt")`
// land where a container whose cwd is "/" would put `/result.txt`. TMPDIR points at workdir/tmp.
// Rewriting was chosen over a private mount namespace because it works unprivileged on any host.
// A container's whole filesystem is private, so the top-level directory of each declared path
// (e.g. /tmp for /tmp/out/foo.txt) is taken as private too and rewritten wherever it appears
// (`mkdir -p /tmp/out` then works) — except the host's system directories, whose tools the step
// uses (the image is ignored). Other undeclared absolute paths are shared with the host.
//
// Function OPs (annotation dflow-ts/op-kind: function) resolve their IO_ROOT (/tmp) paths under
// env DFLOW_IO_ROOT, which the engine sets to the step directory: nothing is rewritten and the
// declared /tmp/inputs/…, /tmp/outputs/… paths are the record's own inputs/ and outputs/ folders.
import { posix } from "node:path";
import { join } from "node:path";
import { IO_ROOT } from "../argo/dflow-conventions.ts";

export interface PathMap {
  /** Host path standing for an absolute container path. */
  hostPath(containerPath: string): string;
  /** Rewrite the declared paths inside a command line, env value or script. */
  rewrite(text: string): string;
}

const PATH_CHAR = "A-Za-z0-9_.\\-";

/** Top-level directories that stay the host's: the step runs the host's tools from them. */
const HOST_DIRS = new Set(["bin", "sbin", "usr", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc", "sys", "run", "var", "opt", "home", "root", "boot", "snap", "nix", "srv", "media"]);

export function containerPathMap(workdir: string, declared: readonly string[]): PathMap {
  const hostPath = (p: string) => join(workdir, posix.normalize("/" + p));
  const absolute = declared.filter((p) => p.startsWith("/")).map((p) => posix.normalize(p).replace(/\/+$/, ""));
  const privateTops = absolute.map((p) => `/${p.split("/")[1] ?? ""}`).filter((top) => top !== "/" && !HOST_DIRS.has(top.slice(1)));
  const roots = [...new Set([...absolute, ...privateTops])]
    .filter((p) => p !== "")
    .sort((a, b) => b.length - a.length);
  if (roots.length === 0) return { hostPath, rewrite: (t) => t };
  const escaped = roots.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // A declared path counts only as a whole path component sequence: not preceded by a path
  // character or "/", and followed by the end, "/" or a non-path character.
  const re = new RegExp(`(?<![${PATH_CHAR}/])(?:${escaped.join("|")})(?![${PATH_CHAR}])`, "g");
  return { hostPath, rewrite: (text) => text.replace(re, (m) => hostPath(m)) };
}

export function functionPathMap(stepDir: string, workdir: string): PathMap {
  return {
    hostPath(p: string) {
      const n = posix.normalize("/" + p);
      if (n === IO_ROOT || n.startsWith(IO_ROOT + "/")) return join(stepDir, n.slice(IO_ROOT.length));
      return join(workdir, n);
    },
    rewrite: (t) => t,
  };
}
