import { describe, expect, it } from "vitest";
import { evaluateExpr, ExpressionError } from "../../../src/engine/expr/index.ts";

// jsonpath(json, path) as Argo exposes it (evilmonkeyinc/jsonpath): definite paths give one
// value, wildcards/unions/ranges/filters/recursion give lists; JSON numbers are float64.

const doc = JSON.stringify({
  store: {
    book: [
      { title: "A", price: 8.95, tags: ["x"] },
      { title: "B", price: 12.99, isbn: "123" },
      { title: "C", price: 22.5 },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
  a: "1",
  "odd key": true,
});

const q = (path: string): unknown => evaluateExpr("jsonpath(doc, path)", { doc, path });

describe("jsonpath", () => {
  it.each<[string, unknown]>([
    ["$", JSON.parse(doc)],
    ["$.a", "1"],
    ["$['odd key']", true],
    ["$.store.bicycle.color", "red"],
    ["$.store.book[0].title", "A"],
    ["$.store.book[-1].title", "C"],
    ["$.store.book.length", 3],
    ["$.store.book[*].title", ["A", "B", "C"]],
    ["$.store.book[0,2].title", ["A", "C"]],
    ["$.store.book[0:2].title", ["A", "B"]],
    ["$.store.book[::2].title", ["A", "C"]],
    ["$.store.book[?(@.price > 10)].title", ["B", "C"]],
    ["$.store.book[?(@.isbn)].title", ["B"]],
    ["$.store.book[?(@.price < 10 || @.title == 'C')].title", ["A", "C"]],
    ["$.store.book[(@.length-1)].title", "C"],
    // Go visits map keys in random order; here keys are visited sorted (bicycle before book).
    ["$..price", [19.95, 8.95, 12.99, 22.5]],
    ["$.store.*.color", ["red"]],
    ["$.a[0:1]", "1"],
  ])("%s", (path, expected) => {
    expect(q(path)).toEqual(expected);
  });

  it("matches Argo's expression-destructure-json example", () => {
    const config = '{"a": "1", "b": "2", "c": "3"}';
    expect(evaluateExpr("jsonpath(config, '$.b')", { config })).toBe("2");
  });

  it.each([
    ["$.nope", "key: invalid token key 'nope' not found"],
    ["$.store.book[7]", "index: invalid token out of range"],
    ["$.a.b", "key: invalid token target"],
    ["store", "invalid format"],
    ["$.store.book[", "does not match any token format"],
  ])("%s fails: %s", (path, message) => {
    expect(() => q(path)).toThrow(ExpressionError);
    expect(() => q(path)).toThrow(message);
  });

  it("requires valid JSON and string arguments", () => {
    expect(() => evaluateExpr("jsonpath('{', '$')", {})).toThrow("invalid JSON");
    expect(() => evaluateExpr("jsonpath(1, '$')", {})).toThrow("reflect: Call using int as type string");
  });
});
