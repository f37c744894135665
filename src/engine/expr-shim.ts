// TEMPORARY stand-in for ./expr/index.ts until it lands: the evaluators are already the real ones;
// only {{…}} rendering, placeholder scanning and var expansion are minimal versions. Delete then.
import { ExpressionError } from "./expr/errors.ts";
import { evaluateExpr } from "./expr/expr-lang.ts";
export { ExpressionError, evaluateExpr };
export { evaluateWhen } from "./expr/govaluate.ts";
export function findPlaceholders(text: string): { expr: boolean; name: string; start: number; end: number }[] {
  const out: { expr: boolean; name: string; start: number; end: number }[] = [];
  const re = /\{\{(=?)\s*([\s\S]*?)\s*\}\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ expr: m[1] === "=", name: m[2]!, start: m.index, end: m.index + m[0].length });
  return out;
}
export function expandVars(vars: Readonly<Record<string, string>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const parts = k.split(".");
    let o: Record<string, unknown> = root;
    for (const p of parts.slice(0, -1)) { if (typeof o[p] !== "object" || o[p] === null) o[p] = {}; o = o[p] as Record<string, unknown>; }
    const last = parts[parts.length - 1]!;
    if (typeof o[last] !== "object") o[last] = v;
  }
  return root;
}
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>, options?: { onMissing?: "error" | "keep" }): string {
  let out = "";
  let last = 0;
  for (const p of findPlaceholders(text)) {
    out += text.slice(last, p.start);
    last = p.end;
    if (p.expr) { const v = evaluateExpr(p.name, expandVars(vars)); out += typeof v === "string" ? v : JSON.stringify(v); continue; }
    const v = vars[p.name];
    if (v === undefined) { if (options?.onMissing === "keep") out += text.slice(p.start, p.end); else throw new ExpressionError(`failed to resolve {{${p.name}}}`, p.name); }
    else out += v;
  }
  return out + text.slice(last);
}
