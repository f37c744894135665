// retryStrategy: a Retry node whose children are the attempts `name(0)`, `name(1)`, … (Argo's model).
// limit counts retries (attempts = limit + 1; no limit = unbounded), retryPolicy picks which phases
// retry (default OnFailure), `expression` sees lastRetry.{exitCode,status,duration,message}, and
// backoff waits duration * factor^n (capped by cap, stopping once maxDuration would be exceeded).
import type { NodePhase, RetryStrategy } from "../argo/manifest.ts";
import { stopMessage, type RunContext } from "./context.ts";
import { parseDuration, sleep } from "./duration.ts";
import { errorMessage } from "./errors.ts";
import { executeNode, finishNode, globalScope, markRunning, type Invocation } from "./execute.ts";
import { inputScope, resolveInputs } from "./io.ts";
import type { NodeState } from "./journal.ts";
import type { NodeOutcome } from "./scope.ts";
import { evaluateExpr } from "./expressions.ts";

export async function runRetry(ctx: RunContext, inv: Invocation, node: NodeState, strategy: RetryStrategy): Promise<NodeOutcome> {
  markRunning(ctx, node);
  const tmpl = ctx.template(inv.templateName);
  const scope = inputScope(globalScope(ctx), resolveInputs(tmpl, inv.args, globalScope(ctx)));
  const where = `templates.${tmpl.name}.retryStrategy`;
  let limit: number;
  try {
    limit = strategy.limit === undefined ? Infinity : Number(scope.render(String(strategy.limit), `${where}.limit`));
    if (Number.isNaN(limit) || limit < 0) throw new Error(`${where}.limit "${String(strategy.limit)}" is not a non-negative integer`);
  } catch (e) {
    return finishNode(ctx, node, "Error", errorMessage(e));
  }
  const policy = strategy.retryPolicy ?? "OnFailure";
  const firstStart = Date.now();
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const child = await executeNode(ctx, {
      ...inv,
      fullName: `${inv.fullName}(${attempt})`,
      displayName: `${inv.displayName}(${attempt})`,
      parentId: node.id,
      attempt,
    });
    if (child.phase === "Succeeded" || child.phase === "Skipped") return finishNode(ctx, node, child.phase, child.message, child.outputs);
    if (inv.signal.aborted) return finishNode(ctx, node, child.phase, stopMessage(inv.signal), child.outputs);
    if (attempt >= limit) return finishNode(ctx, node, child.phase, "No more retries left", child.outputs);
    if (!policyAllows(policy, child.phase)) return finishNode(ctx, node, child.phase, child.message, child.outputs);
    if (strategy.expression) {
      const lastRetry = {
        exitCode: child.outputs?.exitCode ?? "-1",
        status: child.phase,
        duration: String(Math.round((Date.now() - started) / 1000)),
        message: child.message ?? "",
      };
      let again: unknown;
      try {
        again = evaluateExpr(scope.render(strategy.expression, `${where}.expression`), { lastRetry });
      } catch (e) {
        return finishNode(ctx, node, "Error", errorMessage(e), child.outputs);
      }
      if (again !== true) return finishNode(ctx, node, child.phase, child.message, child.outputs);
    }
    let waitMs: number;
    let maxSeconds: number | undefined;
    try {
      waitMs = backoffMs(strategy, attempt, scope.render.bind(scope));
      const maxDuration = strategy.backoff?.maxDuration;
      maxSeconds = maxDuration === undefined ? undefined : parseDuration(scope.render(maxDuration, `${where}.backoff.maxDuration`));
    } catch (e) {
      return finishNode(ctx, node, "Error", `${where}.backoff: ${errorMessage(e)}`, child.outputs);
    }
    if (maxSeconds !== undefined && Date.now() + waitMs - firstStart > maxSeconds * 1000)
      return finishNode(ctx, node, child.phase, "Max duration limit exceeded", child.outputs);
    if (waitMs > 0) await sleep(waitMs, inv.signal);
    if (inv.signal.aborted) return finishNode(ctx, node, child.phase, stopMessage(inv.signal), child.outputs);
  }
}

function policyAllows(policy: NonNullable<RetryStrategy["retryPolicy"]>, phase: NodePhase): boolean {
  switch (policy) {
    case "Always":
      return phase === "Failed" || phase === "Error";
    case "OnFailure":
      return phase === "Failed";
    case "OnError":
    case "OnTransientError":
      return phase === "Error";
  }
}

function backoffMs(strategy: RetryStrategy, attempt: number, render: (t: string, where: string) => string): number {
  const b = strategy.backoff;
  if (!b?.duration) return 0;
  const base = parseDuration(render(b.duration, "retryStrategy.backoff.duration"));
  const factor = b.factor === undefined ? 1 : Number(render(String(b.factor), "retryStrategy.backoff.factor"));
  let seconds = base * Math.pow(factor, attempt);
  if (b.cap) seconds = Math.min(seconds, parseDuration(render(b.cap, "retryStrategy.backoff.cap")));
  return seconds * 1000;
}
