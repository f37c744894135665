const ARGO_VERBS = new Set(["status", "logs", "terminate", "stop", "retry", "resubmit", "delete", "list", "lint", "version"]);

/**
 * Shorthands for the Argo commands: `dflow submit f.ts` is `dflow argo submit f.ts`, and
 * `dflow <verb> … --argo` is `dflow argo <verb> …` (status, logs, terminate, retry, resubmit...).
 */
export function expandAliases(argv: readonly string[]): string[] {
  const [node, script, verb, ...rest] = argv;
  if (node === undefined || script === undefined || verb === undefined) return [...argv];
  if (verb === "submit") return [node, script, "argo", "submit", ...rest];
  if (ARGO_VERBS.has(verb) && rest.includes("--argo")) return [node, script, "argo", verb, ...rest.filter((a) => a !== "--argo")];
  return [...argv];
}
