// Running the children of a steps group or of a DAG task: loop expansion, `when`, template
// parallelism, failFast, and what the parent's scope learns from them.
import type { ArtifactValue } from "./artifacts.ts";
import type { Arguments, ContinueOn, Item, NodePhase, Sequence } from "../argo/manifest.ts";
import { nodeId, type RunContext } from "./context.ts";
import { errorMessage } from "./errors.ts";
import { executeNode, finishNode } from "./execute.ts";
import { evaluateWhen } from "./expressions.ts";
import { renderArguments } from "./io.ts";
import { expandLoop, itemLabel, itemVars } from "./loops.ts";
import type { Semaphore } from "./semaphore.ts";
import { aggregateScope, nodeScope, type NodeOutcome, type Scope } from "./scope.ts";

/** The common shape of a WorkflowStep and a DAGTask. */
export interface ChildSpec {
  name: string;
  template?: string;
  arguments?: Arguments;
  when?: string;
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  /** Template run after the step/task, whatever its outcome (Argo's step-level exit handler). */
  onExit?: string;
  /** Lifecycle hooks: only `exit` (the newer form of onExit) is run; validation refuses others. */
  hooks?: Record<string, { template?: string; arguments?: Arguments; expression?: string }>;
}

export interface ChildContext {
  ctx: RunContext;
  /** The steps/dag node these children belong to (their boundary). */
  boundaryId: string;
  signal: AbortSignal;
  /** Template-level parallelism of the boundary. */
  limiter: Semaphore | undefined;
  /** Set once a child failed in a failFast template: children not yet started are not started. */
  stopped: () => boolean;
  onFailure: () => void;
  /** Nesting depth of the children (recursion guard). */
  depth?: number;
}

export const failedPhase = (p: NodePhase): boolean => p === "Failed" || p === "Error";

export function continues(phase: NodePhase, continueOn: ContinueOn | undefined): boolean {
  return (phase === "Failed" && !!continueOn?.failed) || (phase === "Error" && !!continueOn?.error);
}

export interface ChildResult {
  /** Outcome of the node standing for the step/task (a loop's group node, or the single child). */
  outcome: NodeOutcome;
  /** Loop children, when the step/task is looped. */
  loopChildren?: NodeOutcome[];
  /** Variables the parent scope gains (`steps.X.*` / `tasks.X.*`). */
  vars: Record<string, string>;
  artifacts: Record<string, ArtifactValue>;
  /** True when this step/task failed and continueOn does not cover it. */
  failed: boolean;
}

/**
 * Run one step/task, expanding loops. In steps, loop children hang directly under the step group
 * (`parentId`), in a DAG under a TaskGroup node (`groupFullName` given).
 */
export async function runChild(
  cc: ChildContext,
  spec: ChildSpec,
  scope: Scope,
  place: { parentId: string; fullName: string; prefix: "steps" | "tasks"; taskGroup: boolean },
): Promise<ChildResult | undefined> {
  const { ctx } = cc;
  const where = `${place.fullName}`;
  const prefix = `${place.prefix}.${spec.name}`;
  let loop: ReturnType<typeof expandLoop>;
  try {
    loop = expandLoop(spec, (t) => scope.render(t, where));
  } catch (e) {
    const outcome = errorNode(ctx, place.parentId, cc.boundaryId, place.fullName, spec, errorMessage(e));
    return { outcome, vars: nodeScope(prefix, outcome).vars, artifacts: {}, failed: true };
  }
  if (!loop) {
    const outcome = await runOne(cc, spec, scope, place.parentId, place.fullName, spec.name, prefix);
    if (!outcome) return undefined;
    const { vars, artifacts } = nodeScope(prefix, outcome);
    return { outcome, vars, artifacts, failed: failedPhase(outcome.phase) && !continues(outcome.phase, spec.continueOn) };
  }

  let parentId = place.parentId;
  let groupId = nodeId(ctx.id, place.fullName);
  if (place.taskGroup || loop.length === 0) {
    const group = ctx.record.createNode(
      {
        id: groupId,
        name: spec.name,
        fullName: place.fullName,
        type: loop.length === 0 ? "Skipped" : "TaskGroup",
        phase: loop.length === 0 ? "Skipped" : "Running",
        ...(spec.template ? { templateName: spec.template } : {}),
        parentId: place.parentId,
        boundaryId: cc.boundaryId,
        children: [],
        inputs: { parameters: {}, artifacts: {} },
        outputs: { parameters: {}, artifacts: {} },
        startedAt: new Date().toISOString(),
      },
      loop.length === 0 ? spec.name : undefined,
    );
    if (loop.length === 0) {
      const outcome = finishNode(ctx, group, "Skipped", "Skipped, empty params");
      return { outcome, loopChildren: [], vars: aggregateScope(prefix, outcome, []), artifacts: {}, failed: false };
    }
    parentId = group.id;
  }
  const results = await Promise.all(
    loop.map(({ index, item }) => {
      const label = `${spec.name}(${index}:${itemLabel(item)})`;
      const fullName = place.fullName.replace(/[^.\]]*$/, "") + label;
      return runOne(cc, spec, scope.child(itemVars(item)), parentId, fullName, label, prefix);
    }),
  );
  const children = results.filter((r): r is NodeOutcome => r !== undefined);
  const failed = children.some((c) => failedPhase(c.phase) && !continues(c.phase, spec.continueOn));
  let outcome: NodeOutcome;
  if (place.taskGroup) {
    const group = ctx.record.node(groupId);
    outcome = finishNode(ctx, group, failed ? "Failed" : "Succeeded", failed ? failureMessage(children) : undefined);
  } else {
    groupId = place.parentId;
    outcome = { id: groupId, phase: failed ? "Failed" : "Succeeded" };
  }
  return { outcome, loopChildren: children, vars: aggregateScope(prefix, outcome, children), artifacts: {}, failed };
}

/** Run a single (possibly loop-child) step: evaluate `when`, render arguments, execute. */
async function runOne(
  cc: ChildContext,
  spec: ChildSpec,
  scope: Scope,
  parentId: string,
  fullName: string,
  displayName: string,
  prefix: string,
): Promise<NodeOutcome | undefined> {
  const { ctx } = cc;
  const release = cc.limiter ? await cc.limiter.acquire() : undefined;
  try {
    if (cc.stopped() || cc.signal.aborted) return undefined;
    if (spec.when !== undefined) {
      let rendered: string;
      let ok: boolean;
      try {
        rendered = scope.render(spec.when, `${fullName}.when`);
        ok = evaluateWhen(rendered);
      } catch (e) {
        return errorNode(ctx, parentId, cc.boundaryId, fullName, spec, `${fullName}.when: ${errorMessage(e)}`, displayName);
      }
      if (!ok) return skippedNode(ctx, parentId, cc.boundaryId, fullName, spec, displayName, `when '${rendered}' evaluated false`);
    }
    let args;
    try {
      args = renderArguments(spec.arguments, scope, fullName);
    } catch (e) {
      return errorNode(ctx, parentId, cc.boundaryId, fullName, spec, errorMessage(e), displayName);
    }
    const outcome = await executeNode(ctx, {
      fullName,
      displayName,
      templateName: spec.template!,
      parentId,
      boundaryId: cc.boundaryId,
      args,
      signal: cc.signal,
      depth: cc.depth ?? 1,
    });
    if (failedPhase(outcome.phase) && !continues(outcome.phase, spec.continueOn)) cc.onFailure();
    await runExitHook(cc, spec, scope, outcome, { parentId, fullName, displayName, prefix });
    return outcome;
  } finally {
    release?.();
  }
}

/**
 * Argo's step/task-level exit handler (`onExit`, or `hooks.exit`): a node `<step>.onExit` run once
 * the step ended, whatever its phase, with the step's own results in scope (`steps.<name>.status`,
 * its outputs) for the hook's arguments. Its failure is its own node's: the step keeps its phase.
 */
async function runExitHook(
  cc: ChildContext,
  spec: ChildSpec,
  scope: Scope,
  outcome: NodeOutcome,
  at: { parentId: string; fullName: string; displayName: string; prefix: string },
): Promise<void> {
  const hook = spec.hooks?.exit ?? (spec.onExit ? { template: spec.onExit } : undefined);
  if (!hook?.template || cc.signal.aborted) return;
  const { vars, artifacts } = nodeScope(at.prefix, outcome);
  const hookScope = scope.child(vars, artifacts);
  const fullName = `${at.fullName}.onExit`;
  let args;
  try {
    args = renderArguments(hook.arguments, hookScope, fullName);
  } catch (e) {
    errorNode(cc.ctx, at.parentId, cc.boundaryId, fullName, { name: `${at.displayName}.onExit`, template: hook.template }, errorMessage(e));
    return;
  }
  await executeNode(cc.ctx, {
    fullName,
    displayName: `${at.displayName}.onExit`,
    templateName: hook.template,
    parentId: at.parentId,
    boundaryId: cc.boundaryId,
    args,
    signal: cc.signal,
    depth: cc.depth ?? 1,
  });
}

/** A node for a child that never ran: its when/loop failed (Error) or it was skipped/omitted. */
function errorNode(ctx: RunContext, parentId: string, boundaryId: string, fullName: string, spec: ChildSpec, message: string, displayName = spec.name): NodeOutcome {
  return skippedNode(ctx, parentId, boundaryId, fullName, spec, displayName, message, "Error");
}

function skippedNode(
  ctx: RunContext,
  parentId: string,
  boundaryId: string,
  fullName: string,
  spec: ChildSpec,
  displayName: string,
  message: string,
  phase: "Skipped" | "Omitted" | "Error" = "Skipped",
): NodeOutcome {
  const node = ctx.record.createNode(
    {
      id: nodeId(ctx.id, fullName),
      name: displayName,
      fullName,
      type: "Skipped",
      phase: "Pending",
      ...(spec.template ? { templateName: spec.template } : {}),
      parentId,
      boundaryId,
      children: [],
      inputs: { parameters: {}, artifacts: {} },
      outputs: { parameters: {}, artifacts: {} },
    },
    displayName,
  );
  return finishNode(ctx, node, phase, message);
}

export function omittedNode(ctx: RunContext, parentId: string, fullName: string, spec: ChildSpec): NodeOutcome {
  return skippedNode(ctx, parentId, parentId, fullName, spec, spec.name, "omitted: depends condition not met", "Omitted");
}

export function failureMessage(children: readonly NodeOutcome[]): string {
  const f = children.find((c) => failedPhase(c.phase));
  return f ? `child '${f.id}' failed` : "failed";
}

