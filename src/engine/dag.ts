// `dag` templates: a task starts once every task its `depends`/`dependencies` names has finished and
// the expression holds (else it is Omitted); `target` restricts the run to some tasks and what they
// need. failFast (default true) stops starting tasks after an unhandled failure. The DAG fails when
// a task failed and neither continueOn nor another task's depends (`X.Failed`, …) handles it.
import type { DAGTask, NodePhase, Template } from "../argo/manifest.ts";
import { failedPhase, failureMessage, omittedNode, runChild, type ChildContext, type ChildResult } from "./children.ts";
import { stopMessage, type RunContext } from "./context.ts";
import { dependsFromList, evaluateDepends, failureHandled, parseDepends, referencedTasks, type DependsExpr } from "./depends.ts";
import { NodeError } from "./errors.ts";
import { finishNode, markRunning, type Invocation } from "./execute.ts";
import { resolveTemplateOutputs } from "./io.ts";
import type { NodeState } from "./journal.ts";
import { Semaphore } from "./semaphore.ts";
import { Scope, type NodeOutcome } from "./scope.ts";

interface TaskState {
  task: DAGTask;
  depends: DependsExpr | undefined;
  deps: string[];
  status: "pending" | "running" | "done";
  result?: ChildResult;
  /** Phase used by dependents' depends (Omitted for tasks that could not run). */
  phase?: NodePhase;
}

export function taskDependencies(task: DAGTask): DependsExpr | undefined {
  return task.depends !== undefined ? parseDepends(task.depends) : dependsFromList(task.dependencies ?? []);
}

export async function runDag(ctx: RunContext, inv: Invocation, node: NodeState, tmpl: Template, inputScope: Scope): Promise<NodeOutcome> {
  markRunning(ctx, node);
  const dag = tmpl.dag!;
  const states = new Map<string, TaskState>();
  const handled = new Set<string>();
  for (const task of dag.tasks) {
    const depends = taskDependencies(task);
    if (depends) failureHandled(depends, handled);
    states.set(task.name, { task, depends, deps: depends ? [...referencedTasks(depends)] : [], status: "pending" });
  }
  const wanted = targetClosure(states, dag.target === undefined ? undefined : inputScope.render(dag.target, `templates.${tmpl.name}.dag.target`));
  const failFast = dag.failFast ?? tmpl.failFast ?? true;
  const limiter = tmpl.parallelism ? new Semaphore(tmpl.parallelism) : undefined;
  let vars: Record<string, string> = {};
  let artifacts = {};
  let tripped = false;
  const cc: ChildContext = {
    ctx,
    boundaryId: node.id,
    signal: inv.signal,
    limiter,
    depth: (inv.depth ?? 0) + 1,
    stopped: () => tripped && failFast,
    onFailure: () => {},
  };
  let running = 0;
  // Event-driven: a task is looked at when the DAG starts and when one of its dependencies is done.
  const order = [...states.values()];
  const index = new Map(order.map((s, i) => [s.task.name, i]));
  const dependents = new Map<string, TaskState[]>();
  for (const s of order) for (const d of new Set(s.deps)) dependents.set(d, [...(dependents.get(d) ?? []), s]);
  let newlyDone: TaskState[] = [];
  let wake: (() => void) | undefined;

  const depState = (name: string) => {
    const s = states.get(name)!;
    const outcome = s.result?.outcome;
    return {
      phase: s.phase ?? outcome?.phase ?? "Omitted",
      ...(s.result?.loopChildren ? { childPhases: s.result.loopChildren.map((c) => c.phase) } : {}),
      continueOnFailed: !!s.task.continueOn?.failed,
      continueOnError: !!s.task.continueOn?.error,
    };
  };

  const done = (s: TaskState) => {
    s.status = "done";
    newlyDone.push(s);
  };

  const start = (s: TaskState) => {
    s.status = "running";
    running++;
    const scope = new Scope({ ...inputScope.vars, ...vars }, { ...inputScope.artifacts, ...artifacts });
    void runChild(cc, s.task, scope, { parentId: node.id, fullName: `${inv.fullName}.${s.task.name}`, prefix: "tasks", taskGroup: true })
      .then(
        (result) => {
          if (!result) {
            s.phase = "Omitted";
            return;
          }
          s.result = result;
          vars = { ...vars, ...result.vars };
          artifacts = { ...artifacts, ...result.artifacts };
          if (result.failed && !handled.has(s.task.name)) tripped = true;
        },
        (e: unknown) => {
          failure ??= e;
        },
      )
      .finally(() => {
        running--;
        done(s);
        wake?.();
      });
  };

  let failure: unknown;
  let candidates: TaskState[] = order;
  for (;;) {
    while (candidates.length > 0) {
      if (inv.signal.aborted || (tripped && failFast)) break;
      for (const s of candidates) {
        if (s.status !== "pending" || !wanted.has(s.task.name)) continue;
        if (!s.deps.every((d) => states.get(d)!.status === "done")) continue;
        if (s.depends && !evaluateDepends(s.depends, depState)) {
          s.phase = "Omitted";
          omittedNode(ctx, node.id, `${inv.fullName}.${s.task.name}`, s.task);
          done(s);
          continue;
        }
        start(s);
      }
      candidates = nextCandidates();
    }
    if (running === 0) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    candidates = nextCandidates();
  }
  if (failure !== undefined) throw failure;

  function nextCandidates(): TaskState[] {
    const next = new Set<TaskState>();
    for (const s of newlyDone) for (const d of dependents.get(s.task.name) ?? []) if (d.status === "pending") next.add(d);
    newlyDone = [];
    return [...next].sort((a, b) => index.get(a.task.name)! - index.get(b.task.name)!);
  }

  if (inv.signal.aborted) return finishNode(ctx, node, "Failed", stopMessage(inv.signal));
  const failed = [...states.values()]
    .filter((s) => s.result?.failed && !handled.has(s.task.name))
    .map((s) => (s.result!.loopChildren ?? [s.result!.outcome]).find((c) => failedPhase(c.phase)) ?? s.result!.outcome);
  if (failed.length > 0) return finishNode(ctx, node, "Failed", failureMessage(failed));
  const scope = new Scope({ ...inputScope.vars, ...vars }, { ...inputScope.artifacts, ...artifacts });
  return finishNode(ctx, node, "Succeeded", undefined, resolveTemplateOutputs(tmpl, scope));
}

/** Tasks to run: all of them, or the named targets and everything they depend on. */
function targetClosure(states: Map<string, TaskState>, target: string | undefined): Set<string> {
  if (target === undefined || target.trim() === "") return new Set(states.keys());
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const s = states.get(name);
    if (!s) throw new NodeError(`dag target "${name}" is not a task of this DAG`);
    wanted.add(name);
    s.deps.forEach(visit);
  };
  target.split(/[\s,]+/).filter(Boolean).forEach(visit);
  return wanted;
}
