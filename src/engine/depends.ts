// DAG `depends` expressions: task names with an optional result (`A.Succeeded`), `&&`, `||`, `!`
// and parentheses. A bare name means `(A.Succeeded || A.Skipped || A.Daemoned)`, as in Argo; the
// legacy `dependencies: [A, B]` list means `A && B`.
import type { NodePhase } from "../argo/manifest.ts";

export type TaskResult = "Succeeded" | "Failed" | "Errored" | "Skipped" | "Omitted" | "Daemoned" | "AnySucceeded" | "AllFailed";
const RESULTS = new Set<string>(["Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed"]);

export type DependsExpr =
  | { op: "task"; task: string; result?: TaskResult }
  | { op: "not"; arg: DependsExpr }
  | { op: "and" | "or"; left: DependsExpr; right: DependsExpr };

export function parseDepends(text: string): DependsExpr {
  const tokens = text.match(/&&|\|\||[!()]|[^\s!()&|]+|\S/g) ?? [];
  let pos = 0;
  const fail = (msg: string): never => {
    throw new Error(`invalid depends "${text}": ${msg}`);
  };
  const peek = () => tokens[pos];
  function parseOr(): DependsExpr {
    let left = parseAnd();
    while (peek() === "||") {
      pos++;
      left = { op: "or", left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): DependsExpr {
    let left = parseUnary();
    while (peek() === "&&") {
      pos++;
      left = { op: "and", left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary(): DependsExpr {
    const t = peek();
    if (t === undefined) return fail("unexpected end");
    pos++;
    if (t === "!") return { op: "not", arg: parseUnary() };
    if (t === "(") {
      const inner = parseOr();
      if (peek() !== ")") fail("missing )");
      pos++;
      return inner;
    }
    if (t === ")" || t === "&&" || t === "||") return fail(`unexpected "${t}"`);
    const dot = t.lastIndexOf(".");
    if (dot > 0 && RESULTS.has(t.slice(dot + 1))) return { op: "task", task: t.slice(0, dot), result: t.slice(dot + 1) as TaskResult };
    if (!/^[A-Za-z0-9_-]+$/.test(t)) fail(`"${t}" is not a task name`);
    return { op: "task", task: t };
  }
  const expr = parseOr();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return expr;
}

export function dependsFromList(names: readonly string[]): DependsExpr | undefined {
  let expr: DependsExpr | undefined;
  for (const task of names) expr = expr ? { op: "and", left: expr, right: { op: "task", task } } : { op: "task", task };
  return expr;
}

export function referencedTasks(expr: DependsExpr, into = new Set<string>()): Set<string> {
  if (expr.op === "task") into.add(expr.task);
  else if (expr.op === "not") referencedTasks(expr.arg, into);
  else {
    referencedTasks(expr.left, into);
    referencedTasks(expr.right, into);
  }
  return into;
}

/** What the evaluator needs to know about a finished dependency. */
export interface DependencyState {
  phase: NodePhase;
  /** Phases of the children of a looped task (TaskGroup), for AnySucceeded/AllFailed. */
  childPhases?: NodePhase[];
  continueOnFailed?: boolean;
  continueOnError?: boolean;
}

export function evaluateDepends(expr: DependsExpr, state: (task: string) => DependencyState): boolean {
  switch (expr.op) {
    case "not":
      return !evaluateDepends(expr.arg, state);
    case "and":
      return evaluateDepends(expr.left, state) && evaluateDepends(expr.right, state);
    case "or":
      return evaluateDepends(expr.left, state) || evaluateDepends(expr.right, state);
    case "task": {
      const s = state(expr.task);
      switch (expr.result) {
        case undefined:
          return (
            s.phase === "Succeeded" ||
            s.phase === "Skipped" ||
            (s.phase === "Failed" && !!s.continueOnFailed) ||
            (s.phase === "Error" && !!s.continueOnError)
          );
        case "Succeeded":
          return s.phase === "Succeeded";
        case "Failed":
          return s.phase === "Failed";
        case "Errored":
          return s.phase === "Error";
        case "Skipped":
          return s.phase === "Skipped";
        case "Omitted":
          return s.phase === "Omitted";
        case "Daemoned":
          return false;
        case "AnySucceeded":
          return (s.childPhases ?? []).some((p) => p === "Succeeded");
        case "AllFailed": {
          const c = s.childPhases ?? [];
          return c.length > 0 && c.every((p) => p === "Failed" || p === "Error");
        }
      }
    }
  }
}

/** Tasks whose failure another task explicitly handles (`X.Failed`, `X.Errored`, `X.AllFailed`, `X.AnySucceeded`). */
export function failureHandled(expr: DependsExpr, into: Set<string>): void {
  if (expr.op === "task") {
    if (expr.result === "Failed" || expr.result === "Errored" || expr.result === "AllFailed" || expr.result === "AnySucceeded")
      into.add(expr.task);
  } else if (expr.op === "not") failureHandled(expr.arg, into);
  else {
    failureHandled(expr.left, into);
    failureHandled(expr.right, into);
  }
}
