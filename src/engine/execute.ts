// Executing one node: resolve the template's inputs, create the node (Argo's node model), apply
// retryStrategy and deadlines, then hand over to the steps / dag / pod / suspend executors.
import { repositoryLocator } from "./repository-store.ts";
import { reusedOutputs } from "./reuse.ts";
import { relative } from "node:path";
import type { NodePhase, NodeType, RetryStrategy, Template } from "../argo/manifest.ts";
import { KEY_PARAMETER, SLICE_PARAMETER } from "../argo/dflow-conventions.ts";
import { POD_DEADLINE, StopReason, nodeId, stopMessage, withDeadline, type RunContext } from "./context.ts";
import { runDag } from "./dag.ts";
import { parseDuration, sleep } from "./duration.ts";
import { NodeError, errorMessage } from "./errors.ts";
import { inputScope, resolveInputs, resolveTemplateOutputs, type ResolvedArgs, type ResolvedInputs } from "./io.ts";
import type { NodeState } from "./journal.ts";
import { runPod } from "./pod.ts";
import { runRetry } from "./retry.ts";
import { Scope, type NodeOutcome, type ResolvedOutputs } from "./scope.ts";
import { runSteps } from "./steps.ts";

export interface Invocation {
  /** Argo node name, e.g. `wf[0].hello(0:a)`. */
  fullName: string;
  displayName: string;
  templateName: string;
  parentId?: string;
  boundaryId?: string;
  args: ResolvedArgs;
  signal: AbortSignal;
  /** Set for the attempts under a Retry node (they never retry themselves). */
  attempt?: number;
  /** How many steps/dag templates this node is nested in (recursion guard). */
  depth?: number;
}

/** Deepest nesting of templates; deeper means a recursion that does not end. */
export const MAX_DEPTH = 2000;

export type TemplateKind = "container" | "script" | "steps" | "dag" | "suspend";

export function templateKind(t: Template): TemplateKind | undefined {
  if (t.container) return "container";
  if (t.script) return "script";
  if (t.steps) return "steps";
  if (t.dag) return "dag";
  if (t.suspend) return "suspend";
  return undefined;
}

const NODE_TYPE: Record<TemplateKind, NodeType> = { container: "Pod", script: "Pod", steps: "Steps", dag: "DAG", suspend: "Suspend" };

export const globalScope = (ctx: RunContext): Scope => new Scope(ctx.globals, ctx.globalArtifacts);

export async function executeNode(ctx: RunContext, inv: Invocation): Promise<NodeOutcome> {
  // Continue on a fresh stack: recursion 100s of templates deep must not grow the JS stack.
  await null;
  const tmpl = ctx.template(inv.templateName);
  // Resuming: a node that finished in the interrupted run keeps its outcome and is not run again.
  const kept = ctx.record.reuse(nodeId(ctx.id, inv.fullName));
  if (kept) return keptOutcome(ctx, kept);
  const kind = templateKind(tmpl) ?? "suspend";
  const retry: RetryStrategy | undefined = inv.attempt === undefined ? (tmpl.retryStrategy ?? ctx.workflow.spec.retryStrategy) : undefined;
  let inputs: ResolvedInputs | undefined;
  let inputError: NodeError | undefined;
  try {
    inputs = resolveInputs(tmpl, inv.args, globalScope(ctx));
  } catch (e) {
    inputError = e instanceof NodeError ? e : new NodeError(errorMessage(e));
  }
  const key = inputs?.parameters[KEY_PARAMETER] ?? inv.args.parameters[KEY_PARAMETER];
  const dirHint = key ? (inv.attempt === undefined ? key : `${key}-${inv.attempt}`) : inv.displayName;
  const node = ctx.record.createNode(
    {
      id: nodeId(ctx.id, inv.fullName),
      name: inv.displayName,
      fullName: inv.fullName,
      ...(key ? { key } : {}),
      type: retry ? "Retry" : NODE_TYPE[kind],
      phase: "Pending",
      templateName: tmpl.name,
      ...(inv.parentId ? { parentId: inv.parentId } : {}),
      ...(inv.boundaryId ? { boundaryId: inv.boundaryId } : {}),
      children: [],
      inputs: { parameters: { ...(inputs?.parameters ?? inv.args.parameters) }, artifacts: {} },
      outputs: { parameters: {}, artifacts: {} },
    },
    dirHint,
  );
  ctx.record.writeParameters(node, "inputs");
  if (!inputs) return finishNode(ctx, node, inputError!.phase, inputError!.message);
  if ((inv.depth ?? 0) > MAX_DEPTH)
    return finishNode(ctx, node, "Error", `templates.${tmpl.name}: maximum recursion depth exceeded (${MAX_DEPTH} nested templates): does the recursion have a base case?`);
  if (inv.signal.aborted) return finishNode(ctx, node, "Failed", stopMessage(inv.signal));
  const reused = key ? ctx.reuse.get(key) : undefined;
  if (reused) {
    const scope = inputScope(globalScope(ctx), inputs);
    let outputs: ResolvedOutputs;
    try {
      outputs = await reusedOutputs(reused, {
        store: ctx.store,
        repository: ctx.repository,
        nodeDir: node.dir!,
        template: tmpl,
        render: (text) => scope.render(text, `templates.${tmpl.name}`),
        ...(inputs.parameters[SLICE_PARAMETER] !== undefined ? { slice: inputs.parameters[SLICE_PARAMETER] } : {}),
      });
    } catch (e) {
      return finishNode(ctx, node, "Error", `cannot reuse the outputs of step "${key}": ${errorMessage(e)}`);
    }
    return finishNode(ctx, node, "Succeeded", `reused from ${reused.from ?? "an earlier run"}`, outputs);
  }
  if (retry) return runRetry(ctx, inv, node, retry);
  return runTemplate(ctx, inv, node, tmpl, kind, inputs);
}

async function runTemplate(
  ctx: RunContext,
  inv: Invocation,
  node: NodeState,
  tmpl: Template,
  kind: TemplateKind,
  inputs: ResolvedInputs,
): Promise<NodeOutcome> {
  const scope = inputScope(globalScope(ctx), inputs).child({ retries: String(inv.attempt ?? 0) });
  let deadline: number | undefined;
  try {
    deadline = templateDeadline(tmpl, scope);
  } catch (e) {
    return finishNode(ctx, node, "Error", errorMessage(e));
  }
  const pod = kind === "container" || kind === "script";
  const { signal, dispose } = withDeadline(inv.signal, deadline, pod ? POD_DEADLINE : "Step exceeded its deadline");
  try {
    const sub = { ...inv, signal };
    switch (kind) {
      case "container":
      case "script":
        return await runPod(ctx, sub, node, tmpl, inputs, scope);
      case "steps":
        return await runSteps(ctx, sub, node, tmpl, scope);
      case "dag":
        return await runDag(ctx, sub, node, tmpl, scope);
      case "suspend":
        return await runSuspend(ctx, sub, node, tmpl, scope);
    }
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    return finishNode(ctx, node, e.phase, e.message);
  } finally {
    dispose();
  }
}

/** Seconds from `activeDeadlineSeconds` or `timeout` (both may be templated), the smaller wins. */
function templateDeadline(tmpl: Template, scope: Scope): number | undefined {
  const values: number[] = [];
  const seconds = (text: string, where: string) => {
    try {
      return parseDuration(scope.render(text, where));
    } catch (e) {
      throw e instanceof NodeError ? e : new NodeError(`${where}: ${errorMessage(e)}`);
    }
  };
  if (tmpl.activeDeadlineSeconds !== undefined) values.push(seconds(String(tmpl.activeDeadlineSeconds), `templates.${tmpl.name}.activeDeadlineSeconds`));
  if (tmpl.timeout !== undefined) values.push(seconds(tmpl.timeout, `templates.${tmpl.name}.timeout`));
  return values.length ? Math.min(...values) : undefined;
}

async function runSuspend(ctx: RunContext, inv: Invocation, node: NodeState, tmpl: Template, scope: Scope): Promise<NodeOutcome> {
  markRunning(ctx, node);
  const duration = tmpl.suspend?.duration;
  const where = `templates.${tmpl.name}.suspend.duration`;
  let seconds: number | undefined;
  try {
    seconds = duration === undefined ? undefined : parseDuration(scope.render(duration, where));
  } catch (e) {
    return finishNode(ctx, node, "Error", e instanceof NodeError ? e.message : `${where}: ${errorMessage(e)}`);
  }
  if (seconds === undefined) await new Promise<void>((resolve) => inv.signal.addEventListener("abort", () => resolve(), { once: true }));
  else await sleep(seconds * 1000, inv.signal);
  if (inv.signal.aborted) return finishNode(ctx, node, "Failed", stopMessage(inv.signal));
  return finishNode(ctx, node, "Succeeded", undefined, resolveTemplateOutputs(tmpl, scope));
}

export function markRunning(ctx: RunContext, node: NodeState): void {
  ctx.record.updateNode(node.id, { phase: "Running", startedAt: new Date().toISOString() }, "started");
}

/** Finish a node: record outputs (parameters as files, artifacts as record paths) and its phase. */
export function finishNode(ctx: RunContext, node: NodeState, phase: NodePhase, message?: string, outputs?: ResolvedOutputs): NodeOutcome {
  const patch: Partial<NodeState> = {};
  if (!node.startedAt) patch.startedAt = new Date().toISOString();
  if (outputs) {
    const artifacts: Record<string, string> = {};
    for (const [name, v] of Object.entries(outputs.artifacts)) {
      if ("repo" in v) artifacts[name] = repositoryLocator(ctx.repository, v.repo) + (v.subPath ? `:${v.subPath}` : "");
      if (!("key" in v)) continue;
      const p = ctx.store.localPath(v.key);
      if (p) artifacts[name] = relative(ctx.dir, v.subPath ? `${p}/${v.subPath}` : p);
      else if (ctx.store.locator) artifacts[name] = ctx.store.locator(v.key) + (v.subPath ? `:${v.subPath}` : "");
    }
    patch.outputs = {
      parameters: { ...outputs.parameters },
      artifacts,
      ...(outputs.result !== undefined ? { result: outputs.result } : {}),
      ...(outputs.exitCode !== undefined ? { exitCode: outputs.exitCode } : {}),
    };
    publishGlobals(ctx, node.templateName!, outputs);
  }
  const done = ctx.record.finishNode(node.id, phase, message, patch);
  if (outputs) ctx.record.writeParameters(done, "outputs");
  return {
    id: node.id,
    phase,
    ...(message !== undefined ? { message } : {}),
    ...(done.startedAt ? { startedAt: done.startedAt } : {}),
    ...(done.finishedAt ? { finishedAt: done.finishedAt } : {}),
    ...(outputs ? { outputs } : {}),
  };
}

/** Outputs a template declares with `globalName` become `workflow.outputs.*`. */
function publishGlobals(ctx: RunContext, templateName: string, outputs: ResolvedOutputs): void {
  const tmpl = ctx.template(templateName);
  for (const p of tmpl.outputs?.parameters ?? [])
    if (p.globalName && outputs.parameters[p.name] !== undefined) ctx.globals[`workflow.outputs.parameters.${p.globalName}`] = outputs.parameters[p.name]!;
  for (const a of tmpl.outputs?.artifacts ?? [])
    if (a.globalName && outputs.artifacts[a.name]) ctx.globalArtifacts[`workflow.outputs.artifacts.${a.globalName}`] = outputs.artifacts[a.name]!;
}

/** The outcome of a node finished by an earlier engine of this run (resume), from its journaled state. */
function keptOutcome(ctx: RunContext, node: NodeState): NodeOutcome {
  let outputs: ResolvedOutputs | undefined;
  if (node.phase === "Succeeded") {
    const o = node.outputs;
    outputs = {
      parameters: { ...o.parameters },
      artifacts: Object.fromEntries(Object.entries(o.artifacts).map(([name, rel]) => [name, { key: rel }])),
      ...(o.result !== undefined ? { result: o.result } : {}),
      ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
    };
    if (node.templateName) publishGlobals(ctx, node.templateName, outputs);
  }
  return {
    id: node.id,
    phase: node.phase,
    ...(node.message !== undefined ? { message: node.message } : {}),
    ...(node.startedAt ? { startedAt: node.startedAt } : {}),
    ...(node.finishedAt ? { finishedAt: node.finishedAt } : {}),
    ...(outputs ? { outputs } : {}),
  };
}

export const isStop = (signal: AbortSignal): boolean => signal.aborted && signal.reason instanceof StopReason;
