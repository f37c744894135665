import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateExpr, evaluateWhen, ExpressionError, renderTemplate } from "../../../src/engine/expr/index.ts";

// Robustness: whatever the input, the three languages either return or throw an
// ExpressionError, and every single input finishes quickly (no catastrophic regex
// backtracking, no unbounded loops or allocations). 100,000+ inputs in total.

const SEED = Number(process.env.DFLOW_FUZZ_SEED ?? 20240601);
const PER_INPUT_MS = 3000;
let inputs = 0;
let slowest = { ms: 0, input: "" };

function safely(input: string, f: () => unknown): void {
  inputs++;
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    if (typeof e.expression !== "string" || e.message.length === 0) throw new Error(`malformed ExpressionError for ${JSON.stringify(input)}`);
  }
  const ms = performance.now() - t0;
  if (ms > slowest.ms) slowest = { ms, input };
  if (ms > PER_INPUT_MS) throw new Error(`${ms.toFixed(0)} ms for ${JSON.stringify(input.slice(0, 200))}`);
}

afterAll(() => {
  console.log(`fuzz: ${inputs} inputs, slowest ${slowest.ms.toFixed(1)} ms: ${JSON.stringify(slowest.input.slice(0, 120))}`);
});

const vars: Record<string, string> = {
  "inputs.parameters.x": "5",
  "inputs.parameters.s": "hello",
  "inputs.parameters.json": '{"a":[1,2,{"b":"c"}]}',
  "steps.flip.outputs.result": "heads",
  "tasks.A.outputs.parameters.p": "1.5",
  "workflow.name": "wf",
  item: "3",
  retries: "1",
};
const env = { inputs: { parameters: { x: "5", s: "hello", json: '{"a":[1,2]}' } }, nums: [1, 2, 3], m: { a: 1 }, s: "abc", n: 7 };

/** Tokens that steer random strings towards the languages' syntax. */
const NOISE = [..."(){}[]<>=!&|?:.,;#'\"`\\+-*/%^~$@ \n\t_aZ09é😀"];
const EXPR_WORDS = ["in", "not", "and", "or", "matches", "contains", "let", "if", "else", "nil", "true", "#", "#index", "..", "?.", "??", "**"];
const WHEN_WORDS = ["heads", "tails", "==", "!=", "=~", "!~", "&&", "||", "in", "true", "(", ")", ",", "?", ":", "'x'", "1", "2.5"];

const noise = fc.array(fc.constantFrom(...NOISE), { maxLength: 40 }).map((cs) => cs.join(""));
const wordSoup = (words: readonly string[]) =>
  fc.array(fc.oneof(fc.constantFrom(...words), fc.constantFrom(...NOISE)), { maxLength: 25 }).map((ws) => ws.join(" "));
const anyString = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }));

/** Numbers mostly small, sometimes huge, to reach the allocation limits. */
const int = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -5, max: 20 }) }, { weight: 1, arbitrary: fc.constantFrom(1e6, 1e9, 2 ** 62, -(2 ** 40)) }).map(String);
const str = fc.constantFrom("'a'", '"héllo"', "`raw`", "''", "'(a+)+$'", "'a.*b'", "'[0-9]+'", "'x,y'", '"{\\"k\\": [1]}"');

const exprArb: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    int,
    str,
    fc.constantFrom("nil", "true", "false", "1.5", "nums", "m", "s", "n", "inputs.parameters.x", "m.a", "m?.z?.y", "$env", "#", ".a"),
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/", "%", "**", "==", "!=", "<", ">=", "&&", "||", "and", "in", "not in", "..", "??", "matches", "contains", "startsWith"), tie("e")).map(
      ([a, op, b]) => `${a} ${op} ${b}`,
    ),
    fc.tuple(fc.constantFrom("-", "!", "not "), tie("e")).map(([op, a]) => `${op}${a}`),
    tie("e").map((a) => `(${a})`),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.array(tie("e"), { maxLength: 4 }).map((xs) => `[${xs.join(", ")}]`),
    fc.tuple(fc.constantFrom("a", "'b c'", "1"), tie("e")).map(([k, v]) => `{${k}: ${v}}`),
    fc.tuple(tie("e"), tie("e")).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(tie("e"), int, int).map(([a, i, j]) => `${a}[${i}:${j}]`),
    fc.tuple(fc.constantFrom("filter", "map", "all", "any", "none", "count", "sum", "find", "groupBy", "sortBy", "reduce"), tie("e"), tie("e")).map(
      ([f, a, p]) => `${f}(${a}, {${p}})`,
    ),
    fc
      .tuple(
        fc.constantFrom("len", "string", "int", "float", "abs", "upper", "trim", "split", "join", "repeat", "replace", "keys", "toJSON", "fromJSON", "max", "sort", "first", "uniq", "flatten", "toBase64", "asInt", "asFloat", "toJson"),
        fc.array(tie("e"), { maxLength: 3 }),
      )
      .map(([f, args]) => `${f}(${args.join(", ")})`),
    fc
      .tuple(
        fc.constantFrom("until", "untilStep", "seq", "repeat", "add", "div", "trunc", "substr", "regexFind", "regexReplaceAll", "regexSplit", "list", "dict", "default", "toJson", "fromJson", "b64dec", "randAlpha", "indent", "wrap"),
        fc.array(tie("e"), { maxLength: 3 }),
      )
      .map(([f, args]) => `sprig.${f}(${args.join(", ")})`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `let v = ${a}; ${b}`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `${a} | ${b}`),
    fc.tuple(str, str).map(([p, t]) => `jsonpath(${t}, ${p})`),
  ),
})).e;

const whenArb: fc.Arbitrary<string> = fc.letrec<{ w: string }>((tie) => ({
  w: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("heads", "tails", "1", "2.5", "true", "'a b'", "[x y]", "'2024-01-01'", "Foo.Bar", "'('", "-1", "0.5.5"),
    fc.tuple(tie("w"), fc.constantFrom("==", "!=", "<", ">=", "=~", "!~", "&&", "||", "+", "-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", "in", "??", "?", ":"), tie("w")).map(
      ([a, op, b]) => `${a} ${op} ${b}`,
    ),
    fc.tuple(fc.constantFrom("!", "-", "~"), tie("w")).map(([op, a]) => `${op}${a}`),
    tie("w").map((a) => `(${a})`),
    fc.array(tie("w"), { minLength: 1, maxLength: 3 }).map((xs) => `(${xs.join(", ")})`),
  ),
})).w;

const templateArb = fc
  .array(
    fc.oneof(
      anyString,
      fc.constantFrom(...Object.keys(vars), "missing", " workflow.name ", "{{x").map((n) => `{{${n}}}`),
      exprArb.map((e) => `{{=${e}}}`),
      fc.constantFrom("{{", "}}", "{{=", "{"),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(""));

const params = (numRuns: number) => ({ numRuns, seed: SEED });

describe("fuzz", () => {
  it("evaluateWhen: 30,000 inputs", () => {
    fc.assert(fc.property(fc.oneof(noise, anyString, wordSoup(WHEN_WORDS)), (s) => safely(s, () => evaluateWhen(s))), params(12_000));
    fc.assert(fc.property(whenArb, (s) => safely(s, () => evaluateWhen(s))), params(18_000));
  });

  it("evaluateExpr: 42,000 inputs", () => {
    fc.assert(fc.property(fc.oneof(noise, anyString, wordSoup(EXPR_WORDS)), (s) => safely(s, () => evaluateExpr(s, env))), params(14_000));
    fc.assert(fc.property(exprArb, (s) => safely(s, () => evaluateExpr(s, env))), params(28_000));
  });

  it("renderTemplate: 30,000 inputs in both modes", () => {
    fc.assert(
      fc.property(templateArb, fc.boolean(), (t, strict) => safely(t, () => renderTemplate(t, vars, { onMissing: strict ? "error" : "keep" }))),
      params(30_000),
    );
  });

  it("handles adversarial inputs within the time bound", () => {
    const adversarial = [
      `${"(".repeat(5000)}1${")".repeat(5000)}`,
      `${"-".repeat(10000)}1`,
      `${"!".repeat(10000)}true`,
      Array(3000).fill("1").join(" + "),
      `'${"a".repeat(50000)}' matches '(a+)+$'`,
      `sprig.regexFindAll('(x+x+)+y', '${"x".repeat(5000)}', -1)`,
      "sprig.until(1000000000)",
      "repeat('ab', 900000)",
      "map(1..900000, #)",
      "reduce(1..100000, #acc + string(#), '')",
      "sprig.seq(1, 1, 999999999)",
      "toJSON(map(1..1000, 1..1000))",
      "let a = [1,2,3,4,5,6,7,8,9,10]; map(a, map(a, map(a, map(a, map(a, map(a, #))))))",
      `${"[".repeat(3000)}${"]".repeat(3000)}`,
      `"${"\\u0041".repeat(20000)}"`,
    ];
    for (const a of adversarial) {
      safely(a, () => evaluateExpr(a, env));
      safely(a, () => evaluateWhen(a));
      safely(a, () => renderTemplate(`{{=${a}}}`, vars, { onMissing: "error" }));
    }
    expect(slowest.ms).toBeLessThan(PER_INPUT_MS);
  });
});
