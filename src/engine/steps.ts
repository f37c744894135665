// `steps` templates: groups run in sequence, the steps of a group in parallel. Each group is a
// StepGroup node `<name>[i]`; a group fails when a step fails that continueOn does not cover, and
// then the remaining groups do not run. With `failFast: true`, a failure also stops starting the
// rest of the group (e.g. a loop under `parallelism: 1`).
import type { Template } from "../argo/manifest.ts";
import { nodeId, stopMessage, type RunContext } from "./context.ts";
import { failedPhase, failureMessage, runChild, type ChildContext } from "./children.ts";
import { finishNode, markRunning, type Invocation } from "./execute.ts";
import { resolveTemplateOutputs } from "./io.ts";
import type { NodeState } from "./journal.ts";
import { Semaphore } from "./semaphore.ts";
import type { NodeOutcome, Scope } from "./scope.ts";

export async function runSteps(ctx: RunContext, inv: Invocation, node: NodeState, tmpl: Template, inputScope: Scope): Promise<NodeOutcome> {
  markRunning(ctx, node);
  let scope = inputScope;
  const limiter = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
  let groupFailed = false;
  let failedChild: NodeOutcome | undefined;
  const steps = tmpl.steps ?? [];
  for (let i = 0; i < steps.length && !groupFailed; i++) {
    if (inv.signal.aborted) break;
    const groupName = `${inv.fullName}[${i}]`;
    const group = ctx.record.createNode({
      id: nodeId(ctx.id, groupName),
      name: `[${i}]`,
      fullName: groupName,
      type: "StepGroup",
      phase: "Running",
      templateName: tmpl.name,
      parentId: node.id,
      boundaryId: node.id,
      children: [],
      inputs: { parameters: {}, artifacts: {} },
      outputs: { parameters: {}, artifacts: {} },
      startedAt: new Date().toISOString(),
    });
    let stop = false;
    const cc: ChildContext = {
      ctx,
      boundaryId: node.id,
      signal: inv.signal,
      limiter,
      depth: (inv.depth ?? 0) + 1,
      stopped: () => stop,
      onFailure: () => {
        if (tmpl.failFast === true) stop = true;
      },
    };
    const results = await Promise.all(
      (steps[i] ?? []).map((step) =>
        runChild(cc, { ...step, name: step.name ?? "" }, scope, {
          parentId: group.id,
          fullName: `${groupName}.${step.name}`,
          prefix: "steps",
          taskGroup: false,
        }),
      ),
    );
    const vars: Record<string, string> = {};
    const artifacts = {};
    for (const r of results) {
      if (!r) continue;
      Object.assign(vars, r.vars);
      Object.assign(artifacts, r.artifacts);
      if (r.failed) {
        groupFailed = true;
        failedChild ??= (r.loopChildren ?? [r.outcome]).find((c) => failedPhase(c.phase)) ?? r.outcome;
      }
    }
    scope = scope.child(vars, artifacts);
    const aborted = inv.signal.aborted;
    if (aborted || groupFailed)
      finishNode(ctx, group, "Failed", aborted ? stopMessage(inv.signal) : failedChild ? failureMessage([failedChild]) : "failed");
    else finishNode(ctx, group, "Succeeded");
  }
  if (inv.signal.aborted) return finishNode(ctx, node, "Failed", stopMessage(inv.signal));
  if (groupFailed) return finishNode(ctx, node, "Failed", failedChild ? failureMessage([failedChild]) : "failed");
  return finishNode(ctx, node, "Succeeded", undefined, resolveTemplateOutputs(tmpl, scope));
}
