// A finished local-engine run presented the way argo-server returns a workflow (status.nodes), so
// that tests can go through src/argo/status.ts as an Argo run would. The engine names and links
// nodes as Argo does (ids, `wf[0].a(0:x)` names, StepGroups, Skipped nodes); artifacts kept in
// the artifact repository (`artifacts: "repository"`) become `s3: { bucket, key }`. This is NOT a
// live Argo: it only checks what our mapping makes of nodes shaped like Argo's.
import type { ServerNodeStatus, ServerWorkflow } from "../../src/argo/client/index.ts";
import type { Artifact, Workflow } from "../../src/argo/manifest.ts";
import type { RunResult, StepIO } from "../../src/engine/index.ts";

/** Output artifacts must be in the repository; input artifacts the engine names by their path in the pod are left out. */
function artifacts(a: StepIO["artifacts"], strict: boolean): Artifact[] {
  return Object.entries(a).flatMap(([name, loc]) => {
    const m = /^s3:\/\/([^/]*)\/(.+)$/.exec(loc);
    if (m) return [{ name, s3: { bucket: m[1]!, key: m[2]! } }];
    if (strict) throw new Error(`artifact ${name} is not in the repository (${loc}): run with artifacts: "repository"`);
    return [];
  });
}

const params = (p: Record<string, string>) => Object.entries(p).map(([name, value]) => ({ name, value }));

export function asServerWorkflow(result: RunResult, manifest: Workflow): ServerWorkflow {
  const nodes: Record<string, ServerNodeStatus> = {};
  for (const s of result.record.steps) {
    nodes[s.id] = {
      id: s.id,
      name: s.fullName,
      displayName: s.name,
      type: s.type,
      phase: s.phase,
      ...(s.templateName ? { templateName: s.templateName } : {}),
      ...(s.boundaryId ? { boundaryID: s.boundaryId } : {}),
      ...(s.children.length ? { children: s.children } : {}),
      ...(s.startedAt ? { startedAt: s.startedAt } : {}),
      ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
      ...(s.message ? { message: s.message } : {}),
      inputs: { parameters: params(s.inputs.parameters), artifacts: artifacts(s.inputs.artifacts, false) },
      outputs: {
        parameters: params(s.outputs.parameters),
        artifacts: artifacts(s.outputs.artifacts, true),
        ...(s.outputs.result !== undefined ? { result: s.outputs.result } : {}),
        ...(s.outputs.exitCode !== undefined ? { exitCode: s.outputs.exitCode } : {}),
      },
    };
  }
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { name: result.id, namespace: "argo" },
    spec: manifest.spec,
    status: { phase: result.phase, nodes },
  };
}
