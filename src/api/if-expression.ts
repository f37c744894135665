import { isRef, type Ref, toExprForm } from "./refs.ts";

export type ExprOperand = Ref | string | number | boolean;

/**
 * A conditional value for a Steps/DAG output (dflow's `if_expression`): compiled into Argo's
 * `valueFrom.expression` / `fromExpression` (expr-lang). `_if` is a condition string that may
 * embed references (`${ref}`), e.g. `${a} < ${b}`; use `asFloat(ref)` for numeric comparison.
 */
export class IfExpression {
  constructor(
    readonly _if: string,
    readonly _then: ExprOperand,
    readonly _else: ExprOperand,
  ) {}

  /** References used by the expression (for dependency inference). */
  get text(): string {
    return `${this._if} ${String(this._then)} ${String(this._else)}`;
  }

  toString(): string {
    return `${toExprForm(this._if)} ? ${operand(this._then)} : ${operand(this._else)}`;
  }
}

function operand(x: ExprOperand): string {
  if (isRef(x)) return x.exprPath;
  if (typeof x === "string") return x.includes("{{") ? toExprForm(x) : JSON.stringify(x);
  return String(x);
}

export function ifExpression(args: { _if: string; _then: ExprOperand; _else: ExprOperand }): IfExpression {
  return new IfExpression(args._if, args._then, args._else);
}

/** expr-lang numeric conversion of a reference, for conditions: `${asFloat(a)} < ${asFloat(b)}`. */
export function asFloat(x: Ref | string): string {
  return `asFloat(${isRef(x) ? x.toString() : x})`;
}
export function asInt(x: Ref | string): string {
  return `asInt(${isRef(x) ? x.toString() : x})`;
}
