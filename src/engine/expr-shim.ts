// TEMPORARY stand-in for ./expr/index.ts (being written concurrently). Delete when it lands.
export class ExpressionError extends Error {
  constructor(message: string, readonly expression: string, readonly position?: number) { super(message); }
}
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
export function evaluateExpr(expression: string, env: Record<string, unknown>): unknown {
  const js = expression.replace(/\bmatches\s+('[^']*'|"[^"]*")/g, (_m, r) => `.match(new RegExp(${r})) != null`);
  const helpers = {
    asInt: (x: unknown) => parseInt(String(x), 10), asFloat: (x: unknown) => parseFloat(String(x)),
    toJson: (x: unknown) => JSON.stringify(x),
    jsonpath: (s: string, p: string) => { let v: any = JSON.parse(s); for (const k of p.replace(/^\$\.?/, "").split(".").filter(Boolean)) v = v?.[k]; return v; },
  };
  try {
    // eslint-disable-next-line no-new-func
    return new Function("env", "h", `with (h) { with (env) { return (${js}); } }`)(env, helpers);
  } catch (e) { throw new ExpressionError(String(e), expression); }
}
export function evaluateWhen(expression: string): boolean {
  const js = expression
    .replace(/([^\s()=!<>&|]+)\s*=~\s*([^\s()&|]+)/g, (_m, a, b) => `(${JSON.stringify(a)}.match(new RegExp(${JSON.stringify(b)})) != null)`)
    .replace(/(^|[\s(])([A-Za-z_][\w.-]*)(?=$|[\s)])/g, (m, p, w) => (w === "true" || w === "false" ? m : `${p}${JSON.stringify(w)}`));
  try { return Boolean(new Function(`return (${js.replace(/(?<![=!<>])==(?!=)/g, "===").replace(/!=(?!=)/g, "!==")});`)()); }
  catch (e) { throw new ExpressionError(`cannot evaluate "${expression}": ${String(e)}`, expression); }
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
