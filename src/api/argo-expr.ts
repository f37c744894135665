import { InputParameter } from "./io.ts";
import { isRef, type ParameterRef } from "./refs.ts";

/** A value computed by Argo at run time (an expr-lang expression), e.g. argoLen(list). */
export class ArgoExpr {
  constructor(readonly expr: string) {}
  /** `{{=expr}}`, usable wherever a parameter value is. */
  toString(): string {
    return `{{=${this.expr}}}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

export type IntArg = number | ParameterRef | InputParameter | ArgoExpr | string;
type ListArg = ParameterRef | InputParameter | ArgoExpr | readonly unknown[] | string;

function intExpr(x: IntArg): string {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new TypeError(`expected an integer, got ${x}`);
    return String(x);
  }
  if (x instanceof ArgoExpr) return x.expr;
  if (isRef(x) || x instanceof InputParameter) return `asInt(${x.exprPath})`;
  return `asInt(${JSON.stringify(x)})`;
}

function listExpr(x: ListArg): string {
  if (x instanceof ArgoExpr) return x.expr;
  if (isRef(x) || x instanceof InputParameter) return `sprig.fromJson(${x.exprPath})`;
  return `sprig.fromJson(${JSON.stringify(typeof x === "string" ? x : JSON.stringify(x))})`;
}

/** The length of a list (a JSON list parameter or a literal list), computed by Argo. */
export function argoLen(list: ListArg): ArgoExpr {
  return new ArgoExpr(`len(${listExpr(list)})`);
}

/** [start, end) with a step, as a JSON list computed by Argo; `argoRange(n)` is 0..n-1. */
export function argoRange(...args: [IntArg] | [IntArg, IntArg] | [IntArg, IntArg, IntArg]): ArgoExpr {
  const [start, end, step] = args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
  return new ArgoExpr(`toJson(sprig.untilStep(${intExpr(start)}, ${intExpr(end)}, ${intExpr(step)}))`);
}

export interface ArgoSequence {
  start?: IntArg;
  count?: IntArg;
  end?: IntArg;
  format?: string;
}

/** Argo's withSequence: `count` numbers (or up to `end`) from `start`, formatted with printf `format`. */
export function argoSequence(seq: ArgoSequence | IntArg): ArgoSequence {
  const s: ArgoSequence = typeof seq === "object" && !(seq instanceof ArgoExpr) && !isRef(seq) && !(seq instanceof InputParameter) ? seq : { count: seq };
  if (s.count !== undefined && s.end !== undefined) throw new TypeError("argoSequence: give either count or end, not both");
  if (s.count === undefined && s.end === undefined) throw new TypeError("argoSequence: give count or end");
  return s;
}
