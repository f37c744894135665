/**
 * Argo's `{{=…}}` language: expr-lang (github.com/expr-lang/expr). Evaluation is dynamic, but
 * like expr's compiler it rejects names that the environment does not define before running.
 */
import { argoFunctions } from "./argo-env.ts";
import { Budget } from "./budget.ts";
import { guard, quoteForMessage } from "./errors.ts";
import type { Node } from "./exprlang/ast.ts";
import { checkNames, Interpreter } from "./exprlang/interpreter.ts";
import { parseExpr } from "./exprlang/parser.ts";
import { fromHost, toHost, type Value, type ValueMap } from "./values.ts";

/** Parse an expression against an environment (env functions may shadow builtins). */
export function compileExpr(expression: string, env: ValueMap): Node {
  return guard(expression, `cannot parse expression ${quoteForMessage(expression)}`, () => {
    const ast = parseExpr(expression, { isDefined: (name) => env.has(name) });
    checkNames(ast, env);
    return ast;
  });
}

/** Evaluate with Go-typed values in and out (ints are bigints, maps are Maps). */
export function evaluateExprValue(expression: string, env: ValueMap): Value {
  const ast = compileExpr(expression, env);
  return guard(expression, `cannot evaluate expression ${quoteForMessage(expression)}`, () => new Interpreter(env, new Budget()).run(ast));
}

/**
 * Evaluate an expr-lang expression with Argo's functions (asInt, asFloat, jsonpath, toJson,
 * sprig) plus `env`, which holds plain JS values: integral numbers become ints, other numbers
 * floats, objects maps, functions callables. The result comes back as plain JS (ints as
 * numbers, or bigints beyond 2^53; maps as objects). Throws ExpressionError.
 */
export function evaluateExpr(expression: string, env: Record<string, unknown>): unknown {
  const values = guard(expression, `cannot evaluate expression ${quoteForMessage(expression)}`, () => {
    const m = argoFunctions();
    for (const [k, v] of fromHost(env) as ValueMap) m.set(k, v);
    return m;
  });
  return toHost(evaluateExprValue(expression, values));
}
