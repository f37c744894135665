/**
 * Argo's `when`: after `{{…}}` substitution the text is handed to govaluate, every bare word
 * (a govaluate VARIABLE) is turned into a string literal, and the result must be a boolean.
 * So `tails == heads` compares two strings, `5 < 10` two numbers and `!foo` is a syntax error.
 */
import { Budget, LIMITS } from "./budget.ts";
import { ExpressionError, Fault, guard, quoteForMessage } from "./errors.ts";
import { evaluateStage } from "./govaluate/evaluate.ts";
import { checkBalance, checkSyntax, type Token, tokenize } from "./govaluate/lexer.ts";
import { planStages } from "./govaluate/planner.ts";
import { formatValue, type GValue, type Stage } from "./govaluate/stages.ts";
import { GoRegexp } from "./re2/regexp.ts";

/** optimizeTokens: a STRING right after =~ or !~ is compiled to a PATTERN up front. */
function optimize(tokens: readonly Token[]): Token[] {
  return tokens.map((t, i) => {
    const prev = tokens[i - 1];
    const afterRegexOp = prev?.kind === "COMPARATOR" && (prev.value === "=~" || prev.value === "!~");
    return afterRegexOp && t.kind === "STRING" ? { ...t, kind: "PATTERN", value: compilePattern(t) } : t;
  });
}

/**
 * Tokenize, check and plan exactly as Argo's shouldExecute does: a first govaluate compile,
 * then VARIABLE tokens re-typed as STRING and compiled again from tokens.
 */
function compileWhen(expression: string): Stage | undefined {
  if (expression.length > LIMITS.source) throw new Fault(`expression longer than ${LIMITS.source} characters`);
  const end = expression.length;
  const tokens = tokenize(expression);
  checkSyntax(tokens, end);
  const asStrings = optimize(tokens).map((t): Token => (t.kind === "VARIABLE" ? { ...t, kind: "STRING" } : t));
  checkBalance(asStrings, end);
  checkSyntax(asStrings, end);
  return planStages(optimize(asStrings), end);
}

function compilePattern(t: Token): GoRegexp {
  try {
    return GoRegexp.compile(t.value as string);
  } catch (e) {
    throw new Fault((e as Error).message, t.position);
  }
}

/**
 * Evaluate an already substituted `when` expression as Argo does. The empty string is true.
 * Throws ExpressionError on a syntax error, a type error, or a non-boolean result.
 */
export function evaluateWhen(expression: string): boolean {
  if (expression === "") return true;
  const q = quoteForMessage(expression);
  const stage = guard(expression, `cannot parse when-expression ${q}`, () => compileWhen(expression));
  const result: GValue = guard(expression, `cannot evaluate when-expression ${q}`, () =>
    stage === undefined ? null : evaluateStage(stage, new Budget()),
  );
  if (typeof result !== "boolean") {
    throw new ExpressionError(`when-expression ${q} must evaluate to a boolean, got ${formatValue(result)}`, expression);
  }
  return result;
}
