import { describe, expect, it } from "vitest";
import { evaluateWhen, ExpressionError } from "../../../src/engine/expr/index.ts";

// Expected values follow Knetic/govaluate (the revision Argo pins) driven the way Argo's
// shouldExecute drives it: bare words (govaluate VARIABLEs) are re-typed as strings, numbers are
// float64, and the result must be a bool.

function errorOf(expression: string): ExpressionError {
  try {
    evaluateWhen(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected ${expression} to fail`);
}

describe("evaluateWhen: bare words are strings", () => {
  it.each([
    ["heads == heads", true],
    ["tails == heads", false],
    ["tails != heads", true],
    ["Succeeded == Succeeded", true],
    ["Failed != Succeeded", true],
    ["even == even", true],
    ["odd == even", false],
    // [ … ] quotes a bare word containing spaces.
    ["[hello world] == 'hello world'", true],
    // Words may contain digits and underscores.
    ["step_1 == step_1", true],
  ])("%s → %s", (expr, expected) => {
    expect(evaluateWhen(expr)).toBe(expected);
  });

  it("is true for the empty expression, as Argo skips evaluation", () => {
    expect(evaluateWhen("")).toBe(true);
  });
});

describe("evaluateWhen: comparisons", () => {
  it.each([
    ["5 < 10", true],
    ["10 < 5", false],
    ["10 <= 10", true],
    ["3 > 2", true],
    ["3 >= 4", false],
    ["1.5 == 1.50", true],
    // numbers compare numerically, not as text
    ["9 < 10", true],
    // two strings compare lexically
    ["'abc' < 'abd'", true],
    ["abc < abd", true],
    ["'b' > 'a'", true],
    ["'10' < '9'", true],
    // equality across types is false (reflect.DeepEqual), not an error
    ["1 == '1'", false],
    ["true == 'true'", false],
    ["true == true", true],
    ["false != true", true],
  ])("%s → %s", (expr, expected) => {
    expect(evaluateWhen(expr)).toBe(expected);
  });

  it("rejects ordering a number against a string", () => {
    expect(errorOf("1 < 'a'").message).toContain("cannot be used with the comparator '<', it is not a number");
  });
});

describe("evaluateWhen: logic, precedence and parentheses", () => {
  it.each([
    ["true && true", true],
    ["true && false", false],
    ["false || true", true],
    ["!true", false],
    ["!(1 == 2)", true],
    ["!false && false", false],
    ["heads == heads && tails == tails", true],
    ["heads == tails || tails == tails", true],
    ["( heads == heads && tails == heads ) || ( tails == tails && tails == tails )", true],
    ["(heads == tails && tails == tails) || (tails == heads && tails == tails)", false],
    // && binds tighter than ||
    ["true || false && false", true],
    ["false && false || true", true],
    // comparison chains are left-associative after govaluate's stage reordering
    ["5 > 3 == true", true],
  ])("%s → %s", (expr, expected) => {
    expect(evaluateWhen(expr)).toBe(expected);
  });

  it("gives all comparators one precedence, so a < b == c < d compares a bool with a number", () => {
    // ((1 < 2) == 2) < 3 → false < 3
    expect(errorOf("1 < 2 == 2 < 3").message).toContain("Value 'false' cannot be used with the comparator '<', it is not a number");
  });

  it("short-circuits && and || before type checks", () => {
    expect(evaluateWhen("false && 'x'")).toBe(false);
    expect(evaluateWhen("true || 'x'")).toBe(true);
    expect(errorOf("true && 'x'").message).toContain("cannot be used with the logical operator '&&'");
  });
});

describe("evaluateWhen: arithmetic and strings", () => {
  it.each([
    ["1 + 2 == 3", true],
    ["1 - 1 + 1 == 1", true],
    ["10 - 2 - 3 == 5", true],
    ["2 * 3 + 4 == 10", true],
    ["2 + 3 * 4 == 14", true],
    ["12 / 4 / 3 == 1", true],
    ["2 ** 3 == 8", true],
    ["10 % 3 == 1", true],
    ["-1 < 0", true],
    ["1 / 0 > 1000000", true],
    ["6 & 3 == 2", true],
    ["6 | 3 == 7", true],
    ["6 ^ 3 == 5", true],
    ["1 << 4 == 16", true],
    ["~0 == -1", true],
    // + concatenates as soon as one side is a string, formatting numbers with %v
    ["x + 1 == x1", true],
    ["'a' + 'b' == ab", true],
    ["1000000 + 'x' == '1e+06x'", true],
  ])("%s → %s", (expr, expected) => {
    expect(evaluateWhen(expr)).toBe(expected);
  });

  it("fails on arithmetic with strings, e.g. a value with a dash read as minus", () => {
    // `my-value` lexes as my - value: a subtraction of two strings.
    expect(errorOf("my-value == my-value").message).toContain("Value 'my' cannot be used with the modifier '-', it is not a number");
  });
});

describe("evaluateWhen: regular expressions, in, ternaries", () => {
  it.each([
    ["heads =~ hea", true],
    ["tails =~ hea", false],
    ["tails !~ hea", true],
    ["'pod deleted' =~ 'imminent node shutdown|pod deleted'", true],
    ["abc =~ '^a.c$'", true],
    ["'a\\nb' =~ '^b'", false],
    ["1 in (1, 2)", true],
    ["3 in (1, 2)", false],
    ["b in (a, b, c)", true],
    ["'1' in (1, 2)", false],
    ["true ? true : false", true],
    ["false ? true : false", false],
    ["(1 > 2 ? a : b) == b", true],
  ])("%s → %s", (expr, expected) => {
    expect(evaluateWhen(expr)).toBe(expected);
  });

  it("reports an invalid pattern as a parse error", () => {
    const e = errorOf("tails =~ '('");
    expect(e.message).toMatch(/^cannot parse when-expression "tails =~ '\('": error parsing regexp: missing closing \)/);
    expect(e.position).toBe(9);
  });

  it("compiles quoted patterns before bare words become strings, like Argo's two compiles", () => {
    // A quoted pattern is a PATTERN token by the second syntax check, and PATTERN may not be
    // followed by a ternary; a bare-word pattern is still a STRING then.
    expect(errorOf("a =~ 'b' ? c : d").message).toContain("Cannot transition token types from PATTERN [b] to TERNARY [?]");
    expect(evaluateWhen("(a =~ b ? c : d) == d")).toBe(true);
  });

  it("requires an array on the right of in", () => {
    expect(errorOf("1 in 1").message).toContain("cannot be used with the comparator 'in'");
  });
});

describe("evaluateWhen: time literals", () => {
  it("turns quoted dates into Unix seconds, as govaluate does", () => {
    expect(evaluateWhen("'2024-01-01' == 1704067200")).toBe(true);
    expect(evaluateWhen("'2024-01-01T00:00:00Z' == '2024-01-01'")).toBe(true);
    expect(evaluateWhen("'2024-01-01 10:00' < '2024-01-01T11:00:00+01:00'")).toBe(false);
    expect(evaluateWhen("'2024-02-30' == '2024-02-30'")).toBe(true); // not a valid date: stays a string
  });
});

describe("evaluateWhen: errors", () => {
  it("names the expression and the position of an unexpected end", () => {
    const e = errorOf("a == (b");
    expect(e.message).toBe('cannot parse when-expression "a == (b": unbalanced parenthesis: unexpected end at position 7');
    expect(e.expression).toBe("a == (b");
    expect(e.position).toBe(7);
  });

  it.each([
    ["a == b)", "Unbalanced parenthesis", 6],
    ["a ==", "unexpected end of expression", 4],
    ["a = b", "Invalid token: '='", 2],
    ["a === b", "Invalid token: '==='", 2],
    ["a ==-1", "Invalid token: '==-'", 2],
    ["it's == heads", "Unclosed string literal", 2],
    ["foo.bar == 1", "Unable to access unexported field 'bar' in token 'foo.bar'", 0],
    ["foo. == 1", "Hanging accessor on token 'foo.'", 0],
    ["1.2.3 == 1", "Unable to parse numeric value '1.2.3' to float64", 0],
    ["1e5 == 1", "Cannot transition token types from NUMERIC [1] to VARIABLE [e5]", 1],
    ["-heads == x", "Cannot transition token types from PREFIX [-] to STRING [heads]", 1],
    ["f(1) == 1", "Undefined function f", 0],
    ["[abc == 1", "Unclosed parameter bracket", 0],
  ])("%s → %s", (expr, message, position) => {
    const e = errorOf(expr);
    expect(e.message).toContain(message);
    expect(e.message).toContain(JSON.stringify(expr));
    expect(e.position).toBe(position);
  });

  it.each([
    ["heads", "got heads"],
    ["1 + 1", "got 2"],
    ["()", "got <nil>"],
    ["1 ?? 2 == 1", "got 1"],
  ])("%s is not a boolean (%s)", (expr, detail) => {
    const e = errorOf(expr);
    expect(e.message).toBe(`when-expression ${JSON.stringify(expr)} must evaluate to a boolean, ${detail}`);
  });

  it("fails on whitespace-only input", () => {
    expect(errorOf("   ").message).toContain("unexpected end of expression");
  });

  it("evaluates accessors, which Argo cannot resolve, to an error", () => {
    expect(errorOf("Foo.Bar == 1").message).toContain("No parameter 'Foo' found.");
  });

  it("keeps govaluate's planner quirk of ignoring tokens after a stray parenthesis", () => {
    expect(evaluateWhen("true ) || ( false")).toBe(true);
  });
});
