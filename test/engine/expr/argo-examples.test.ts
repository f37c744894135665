import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { evaluateExpr, evaluateWhen, expandVars, findPlaceholders, renderTemplate } from "../../../src/engine/expr/index.ts";

// Every `when`, `{{=…}}`, retryStrategy.expression, valueFrom.expression and fromExpression of
// the upstream Argo examples, rendered with plausible variable values and evaluated the way the
// Argo controller does (substitute, then govaluate for `when`, expr-lang for the rest).

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const examplesDir = path.join(path.resolve(repoRoot, "../shared"), "argo", "examples");
const available = existsSync(examplesDir);
if (!available) console.warn(`skipping Argo example expressions: ${examplesDir} not found (../shared is absent)`);

type Found = { file: string; kind: "when" | "template" | "retry" | "valueFrom" | "fromExpression"; text: string };

interface Example {
  readonly file: string;
  readonly doc: unknown;
}

function loadExamples(): Example[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(path.join(examplesDir, file), "utf8")).map((d) => ({ file, doc: d.toJS() as unknown })));
}

function walk(v: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      visit(k, x, v as Record<string, unknown>);
      walk(x, visit);
    }
  }
}

function collect(examples: readonly Example[]): Found[] {
  const found: Found[] = [];
  for (const { file, doc } of examples) {
    walk(doc, (key, value, parent) => {
      if (typeof value !== "string") return;
      if (key === "when") found.push({ file, kind: "when", text: value });
      else if (key === "expression" && "limit" in parent) found.push({ file, kind: "retry", text: value });
      else if (key === "expression") found.push({ file, kind: "valueFrom", text: value });
      else if (key === "fromExpression") found.push({ file, kind: "fromExpression", text: value });
      else if (value.includes("{{=")) found.push({ file, kind: "template", text: value });
    });
  }
  return found;
}

/** An independent oracle for the `when` subset the examples use: words, ==, !=, =~, &&, ||, (). */
function oracle(when: string): boolean {
  const tokens = when.match(/==|!=|=~|&&|\|\||[()]|[^\s()=!&|~]+/g) ?? [];
  const js = tokens
    .map((t, i) => {
      if (["==", "!=", "&&", "||", "(", ")"].includes(t)) return t === "==" ? "===" : t === "!=" ? "!==" : t;
      if (t === "=~") return ".match";
      return tokens[i - 1] === "=~" ? `(new RegExp(${JSON.stringify(t)})) !== null` : JSON.stringify(t);
    })
    .join(" ");
  return new Function(`return (${js});`)() as boolean;
}

function docParams(doc: unknown): Record<string, string> {
  const params = ((doc as { spec?: { arguments?: { parameters?: { name: string; value?: unknown }[] } } }).spec?.arguments?.parameters ?? []).filter(
    (p) => p.value !== undefined,
  );
  return Object.fromEntries(params.map((p) => [`workflow.parameters.${p.name}`, String(p.value)]));
}

const COIN = ["heads", "tails"];

/** All assignments of plausible values to the variables an expression mentions. */
function assignments(names: readonly string[], base: Record<string, string>): Record<string, string>[] {
  let out: Record<string, string>[] = [{ ...base }];
  for (const name of names) {
    let values: string[];
    if (base[name] !== undefined) continue;
    if (/\.outputs\.result$/.test(name)) values = COIN;
    else if (name === "item.evenness") values = ["even", "odd"];
    else if (name === "workflow.status") values = ["Succeeded", "Failed", "Error"];
    else if (name.startsWith("inputs.parameters.")) values = ["true", "false"];
    else values = ["x"];
    out = out.flatMap((a) => values.map((v) => ({ ...a, [name]: v })));
  }
  return out;
}

describe.skipIf(!available)("Argo example expressions", () => {
  const examples = available ? loadExamples() : [];
  const found = available ? collect(examples) : [];
  const byFile = new Map(examples.map((e) => [e.file, e.doc]));

  it("finds the expressions of the examples", () => {
    expect(found.filter((f) => f.kind === "when").length).toBeGreaterThanOrEqual(15);
    expect(found.some((f) => f.kind === "template")).toBe(true);
    expect(found.some((f) => f.kind === "retry")).toBe(true);
    expect(found.some((f) => f.kind === "valueFrom")).toBe(true);
    expect(found.some((f) => f.kind === "fromExpression")).toBe(true);
  });

  it("evaluates every `when` like Argo, for every plausible value", () => {
    let checked = 0;
    for (const f of found.filter((x) => x.kind === "when")) {
      const names = findPlaceholders(f.text).map((p) => p.name);
      for (const vars of assignments(names, {})) {
        const rendered = renderTemplate(f.text, vars, { onMissing: "error" });
        expect(rendered, f.file).not.toContain("{{");
        expect(evaluateWhen(rendered), `${f.file}: ${rendered}`).toBe(oracle(rendered));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("spot-checks well-known `when` outcomes", () => {
    expect(evaluateWhen(renderTemplate("{{steps.flip-coin.outputs.result}} == heads", { "steps.flip-coin.outputs.result": "tails" }))).toBe(false);
    const complex = found.find((f) => f.file === "conditionals-complex.yaml" && f.text.includes("||"))!.text;
    const run = (a: string, b: string): boolean =>
      evaluateWhen(renderTemplate(complex, { "steps.flip-coin.outputs.result": a, "steps.flip-again.outputs.result": b }));
    expect([run("heads", "tails"), run("tails", "tails"), run("heads", "heads"), run("tails", "heads")]).toEqual([true, true, false, false]);
  });

  it("renders every {{=…}} template", () => {
    for (const f of found.filter((x) => x.kind === "template")) {
      const vars = docParams(byFile.get(f.file));
      const out = renderTemplate(f.text, vars, { onMissing: "error" });
      expect(out, f.text).not.toContain("{{");
      if (f.file === "expression-destructure-json.yaml") {
        const config = JSON.parse(vars["workflow.parameters.config"]!) as Record<string, string>;
        const key = /'\$\.(\w+)'/.exec(f.text)![1]!;
        expect(out).toBe(config[key]);
      }
    }
  });

  it("evaluates retryStrategy.expression after substitution", () => {
    for (const f of found.filter((x) => x.kind === "retry")) {
      for (const safe of ["true", "false"]) {
        const expr = renderTemplate(f.text, { "inputs.parameters.safe-to-retry": safe }, { onMissing: "error" });
        for (const exitCode of ["0", "1", "2"]) {
          for (const status of ["Failed", "Error"]) {
            for (const message of ["", "pod deleted"]) {
              const lastRetry = { exitCode, status, duration: "10", message };
              const expected = Number(exitCode) > 1 && status !== "Error" && (safe === "true" || /imminent node shutdown|pod deleted/.test(message));
              expect(evaluateExpr(expr, { lastRetry }), `${expr} with ${JSON.stringify(lastRetry)}`).toBe(expected);
            }
          }
        }
      }
    }
  });

  it("evaluates output expressions over the steps or tasks that ran", () => {
    for (const f of found.filter((x) => x.kind === "valueFrom" || x.kind === "fromExpression")) {
      const scope = f.text.startsWith("tasks") ? "tasks" : "steps";
      for (const coin of COIN) {
        const vars: Record<string, string> = { [`${scope}.flip-coin.outputs.result`]: coin };
        // Only the branch that ran has outputs; the other was skipped.
        vars[`${scope}.${coin}.outputs.result`] = coin;
        vars[`${scope}.${coin}.outputs.artifacts.result`] = `it was ${coin}`;
        const value = evaluateExpr(f.text, expandVars(vars));
        expect(value, `${f.file} with ${coin}`).toBe(f.kind === "valueFrom" ? coin : `it was ${coin}`);
      }
    }
  });

  it("finds and resolves every placeholder of every example", () => {
    let placeholders = 0;
    for (const { doc, file } of examples) {
      walk(doc, (_key, value) => {
        if (typeof value !== "string") return;
        const found = findPlaceholders(value);
        placeholders += found.length;
        const vars = Object.fromEntries(found.filter((p) => !p.expr).map((p) => [p.name, "v"]));
        const out = renderTemplate(value, { ...vars, ...docParams(doc) });
        if (!found.some((p) => p.expr)) expect(out, `${file}: ${value}`).not.toContain("{{");
      });
    }
    expect(placeholders).toBeGreaterThan(50);
  });
});
