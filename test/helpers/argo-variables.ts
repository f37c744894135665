import type { Template, Workflow } from "../../src/argo/manifest.ts";

// What argo-server's validation (workflow/validate/validate.go, validateLeaf → resolveAllVariables)
// does to a pod template before it accepts a workflow, re-stated from Argo v3/v4's source: the whole
// template, as JSON text, is scanned for {{tag}}; a tag that starts with one of the workflow
// variable prefixes must name something in scope, else the workflow is rejected ("failed to
// resolve {{tag}}"). Tags with other starts ("=expr", "item", " x ", "lastRetry.…") are skipped.
// This is how a function-OP bundle that happens to contain "{{inputs.parameters.${x}}}" text
// would be refused by a real cluster although every JSON schema accepts it.
const VALID_PREFIXES = ["item.", "steps.", "inputs.", "outputs.", "pod.", "workflow.", "tasks."];
const ALWAYS_OK = ["workflow.creationTimestamp", "workflow.scheduledTime", "workflow.duration", "tasks.name", "steps.name", "node.name"];
const GLOBALS = ["workflow.name", "workflow.namespace", "workflow.mainEntrypoint", "workflow.serviceAccountName", "workflow.uid", "workflow.priority", "workflow.status", "workflow.failures"];

/** Tags argo-server would refuse in the workflow's pod (script/container) templates, as "template: {{tag}}". */
export function unresolvedPodVariables(wf: Workflow): string[] {
  const globals = new Set(GLOBALS);
  for (const p of wf.spec.arguments?.parameters ?? []) globals.add(`workflow.parameters.${p.name}`);
  for (const k of Object.keys(wf.metadata.annotations ?? {})) globals.add(`workflow.annotations.${k}`);
  for (const k of Object.keys(wf.metadata.labels ?? {})) globals.add(`workflow.labels.${k}`);
  const out: string[] = [];
  for (const t of wf.spec.templates ?? []) {
    if (!t.script && !t.container) continue;
    for (const tag of unresolved(t, globals)) out.push(`${t.name}: {{${tag}}}`);
  }
  return out;
}

function unresolved(t: Template, globals: Set<string>): string[] {
  const scope = new Set(globals);
  scope.add("pod.name");
  for (const p of t.inputs?.parameters ?? []) scope.add(`inputs.parameters.${p.name}`);
  scope.add("inputs.parameters");
  for (const a of t.inputs?.artifacts ?? []) if (a.path) scope.add(`inputs.artifacts.${a.name}.path`);
  for (const p of t.outputs?.parameters ?? []) if (p.valueFrom?.path) scope.add(`outputs.parameters.${p.name}.path`);
  for (const a of t.outputs?.artifacts ?? []) if (a.path) scope.add(`outputs.artifacts.${a.name}.path`);
  const text = JSON.stringify(t);
  const bad: string[] = [];
  // fasttemplate: a tag runs from "{{" to the next "}}".
  let i = text.indexOf("{{");
  while (i >= 0) {
    const end = text.indexOf("}}", i + 2);
    if (end < 0) break;
    const tag = text.slice(i + 2, end);
    if (VALID_PREFIXES.some((p) => tag.startsWith(p)) && !scope.has(tag) && !ALWAYS_OK.some((p) => tag.startsWith(p))) bad.push(tag);
    i = text.indexOf("{{", end + 2);
  }
  return bad;
}
