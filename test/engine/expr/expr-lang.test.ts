import { describe, expect, it } from "vitest";
import { evaluateExpr, ExpressionError } from "../../../src/engine/expr/index.ts";

// Expected values follow expr-lang/expr semantics: int and float64 are distinct (int op int stays
// int, `/` and `**` always give floats), strings are Go strings (len and indexing count bytes),
// comparisons across types are errors except ==, and closures see `#`, `#index`, `#acc`, `.field`.

const env = {
  inputs: { parameters: { x: "5", s: "hello", json: '{"a": {"b": [1, 2, 3]}, "n": 1.5}' } },
  steps: { "flip-coin": { outputs: { result: "heads" } } },
  items: [{ name: "a", n: 1 }, { name: "b", n: 2 }, { name: "c", n: 3 }],
  nums: [3, 1, 2],
  empty: [],
  m: { b: 2, a: 1 },
  nothing: null,
  f: 2.5,
};

const ev = (expr: string): unknown => evaluateExpr(expr, env);

function errorOf(expr: string): ExpressionError {
  try {
    ev(expr);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe("literals", () => {
  it.each<[string, unknown]>([
    ["42", 42],
    ["0x1F", 31],
    ["0o17", 15],
    ["0b101", 5],
    ["1_000_000", 1_000_000],
    ["017", 17],
    ["1.5", 1.5],
    [".5", 0.5],
    ["1e3", 1000],
    ["'single'", "single"],
    ['"double"', "double"],
    ["`raw \\n`", "raw \\n"],
    ['"tab\\there"', "tab\there"],
    ['"\\u00e9\\x41\\101"', "éAA"],
    ["true", true],
    ["nil", null],
    ["[1, 'a', [true]]", [1, "a", [true]]],
    ["[1, 2,]", [1, 2]],
    ["{a: 1, 'b c': 2, 3: 'x'}", { a: 1, "b c": 2, "3": "x" }],
    ["{('k' + 'ey'): 1}", { key: 1 }],
    ["{}", {}],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("rejects malformed literals", () => {
    expect(errorOf("1a").message).toContain("bad number syntax");
    expect(errorOf("'open").message).toContain("literal not terminated");
    expect(errorOf("9223372036854775808").message).toContain("invalid integer literal");
    expect(errorOf("'\\q'").message).toContain("invalid char escape");
  });
});

describe("arithmetic", () => {
  it.each<[string, unknown]>([
    ["1 + 2", 3],
    ["7 - 10", -3],
    ["6 * 7", 42],
    ["5 / 2", 2.5],
    ["4 / 2", 2],
    ["7 % 3", 1],
    ["-7 % 3", -1],
    ["2 ** 10", 1024],
    ["2 ^ 3 ^ 2", 512],
    ["1 + 2.5", 3.5],
    ["-f", -2.5],
    ["+3", 3],
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 2 - 3", 5],
    ["9223372036854775807 + 1", -9223372036854775808n],
    ["'a' + 'b'", "ab"],
    ["1 / 0", Infinity],
  ])("%s → %s", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("keeps int and float apart", () => {
    expect(ev("type(1)")).toBe("int");
    expect(ev("type(1.0)")).toBe("float");
    expect(ev("type(4 / 2)")).toBe("float");
    expect(ev("type(2 ** 2)")).toBe("float");
    expect(ev("type(1 + 1.0)")).toBe("float");
  });

  it.each([
    ["'a' + 1", "invalid operation: string + int"],
    ["inputs.parameters.x + 1", "invalid operation: string + int"],
    ["1.5 % 1", "invalid operation: float64 % int"],
    ["1 % 0", "integer divide by zero"],
    ["-'a'", "invalid operation: - string"],
    ["'a' ** 2", "invalid operation: float(string)"],
  ])("%s fails: %s", (expr, message) => {
    expect(errorOf(expr).message).toContain(message);
  });
});

describe("comparison and logic", () => {
  it.each<[string, unknown]>([
    ["1 == 1.0", true],
    ["1 == '1'", false],
    ["'a' != 'b'", true],
    ["nil == nil", true],
    ["nothing == nil", true],
    ["[1, 2] == [1, 2.0]", true],
    ["{a: 1} == {a: 1}", true],
    ["2 > 1.5", true],
    ["'abc' < 'abd'", true],
    ["1 < 2 < 3", true],
    ["3 > 2 > 2", false],
    ["true && false", false],
    ["true and true", true],
    ["false || true", true],
    ["false or false", false],
    ["!true", false],
    ["not false", true],
    ["not (1 > 2)", true],
    ["false && (1 / 0 > 'x')", false],
    ["true || nothing.x", true],
  ])("%s → %s", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it.each([
    ["1 < 'a'", "invalid operation: int < string"],
    ["'a' && true", "invalid operation: && (mismatched types string and bool)"],
    ["!1", "invalid operation: !"],
  ])("%s fails: %s", (expr, message) => {
    expect(errorOf(expr).message).toContain(message);
  });
});

describe("membership and string operators", () => {
  it.each<[string, unknown]>([
    ["2 in [1, 2, 3]", true],
    ["2.0 in [1, 2]", true],
    ["'b' in m", true],
    ["'z' in m", false],
    ["'x' not in ['a']", true],
    ["1 in nothing", false],
    ["'hello' contains 'ell'", true],
    ["'hello' not contains 'z'", true],
    ["'hello' startsWith 'he'", true],
    ["'hello' endsWith 'lo'", true],
    ["'hello' matches '^h.*o$'", true],
    ["'Hello' matches '(?i)^h'", true],
    ["'abc' not matches 'z'", true],
  ])("%s → %s", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("uses Go's regexp syntax and reports its errors", () => {
    expect(errorOf("'a' matches '('").message).toContain("error parsing regexp: missing closing )");
    expect(errorOf("'a' matches '(?=a)'").message).toContain("invalid or unsupported Perl syntax");
  });

  it("rejects in on a string", () => {
    expect(errorOf("'a' in 'abc'").message).toContain('operator "in" not defined on string');
  });
});

describe("member access, indexing and slicing", () => {
  it.each<[string, unknown]>([
    ["inputs.parameters.x", "5"],
    ["inputs['parameters'].s", "hello"],
    ["steps['flip-coin'].outputs.result", "heads"],
    ["inputs.parameters.missing", null],
    ["inputs?.parameters?.missing?.deeper", null],
    ["nothing?.a.b", null],
    ["inputs.parameters.missing ?? 'default'", "default"],
    ["items[0].name", "a"],
    ["items[-1].n", 3],
    ["nums[1:]", [1, 2]],
    ["nums[:2]", [3, 1]],
    ["nums[-2:]", [1, 2]],
    ["nums[5:]", []],
    ["'hello'[1:3]", "el"],
    ["'hello'[0]", 104],
    ["$env.inputs.parameters.x", "5"],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it.each([
    ["nothing.a", "cannot fetch a from <nil>"],
    ["nums[3]", "index out of range: 3 (array length is 3)"],
    ["unknownName", "unknown name unknownName"],
    ["1 > 2 ? unknownName : 1", "unknown name unknownName"],
    ["steps.flip-coin", "unknown name coin"],
  ])("%s fails: %s", (expr, message) => {
    expect(errorOf(expr).message).toContain(message);
  });
});

describe("conditionals, let, sequences, pipes", () => {
  it.each<[string, unknown]>([
    ["1 > 2 ? 'a' : 'b'", "b"],
    ["true ? 1 : false ? 2 : 3", 1],
    ["false ? 1 : false ? 2 : 3", 3],
    ["if 1 > 2 { 'a' } else if 2 > 1 { 'b' } else { 'c' }", "b"],
    ["let x = 2; let y = x * 3; x + y", 8],
    ["1; 2; 3", 3],
    ["nums | sort() | first()", 1],
    ["'a,b' | split(',') | join('-')", "a-b"],
    ["items | map(.name) | join('')", "abc"],
    ["nil ?? nil ?? 3", 3],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("requires a bool condition", () => {
    expect(errorOf("1 ? 2 : 3").message).toContain("non-bool expression (type int) used as condition");
  });

  it("forbids mixing ?? with other operators without parentheses", () => {
    expect(errorOf("nil ?? 1 + 2").message).toContain("cannot be mixed");
  });
});

describe("closures", () => {
  it.each<[string, unknown]>([
    ["filter(nums, # > 1)", [3, 2]],
    ["filter(nums, {# > 1})", [3, 2]],
    ["map(nums, # * 10)", [30, 10, 20]],
    ["map(items, .name)", ["a", "b", "c"]],
    ["map(nums, #index)", [0, 1, 2]],
    ["all(nums, # > 0)", true],
    ["any(nums, # > 2)", true],
    ["none(nums, # > 3)", true],
    ["one(nums, # == 1)", true],
    ["count(nums, # >= 2)", 2],
    ["count([true, false, true])", 2],
    ["sum(nums)", 6],
    ["sum(items, .n * 2)", 12],
    ["find(items, .n == 2).name", "b"],
    ["findIndex(items, .n == 3)", 2],
    ["findLast(nums, # > 1)", 2],
    ["findLastIndex(nums, # > 5)", -1],
    ["reduce(nums, #acc + #)", 6],
    ["reduce(nums, #acc + #, 10)", 16],
    ["reduce(nums, #acc + string(#index), '')", "012"],
    ["groupBy(items, .n % 2)[1] | map(.name)", ["a", "c"]],
    ["sortBy(items, .n, 'desc') | map(.name)", ["c", "b", "a"]],
    ["map(filter(items, .n > 1), {let v = .n; v * v})", [4, 9]],
    ["filter(map([[1, 2], [3]], len(#)), # > 1)", [2]],
    ["map(1..3, map(1..#, #))", [[1], [1, 2], [1, 2, 3]]],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("requires boolean predicates and arrays", () => {
    expect(errorOf("filter(nums, #)").message).toContain("must return a bool");
    expect(errorOf("filter(m, true)").message).toContain("cannot iterate over map");
    expect(errorOf("#").message).toContain("unexpected token");
  });
});

describe("builtins", () => {
  it.each<[string, unknown]>([
    ["len('héllo')", 6],
    ["len(nums)", 3],
    ["len(m)", 2],
    ["abs(-3)", 3],
    ["abs(-2.5)", 2.5],
    ["ceil(1.2)", 2],
    ["floor(-1.2)", -2],
    ["round(2.5)", 3],
    ["round(-2.5)", -3],
    ["int('42')", 42],
    ["int(3.9)", 3],
    ["int(-3.9)", -3],
    ["float('2.5')", 2.5],
    ["float(2)", 2],
    ["string(42)", "42"],
    ["string(1.0)", "1"],
    ["string(1e6)", "1e+06"],
    ["string(123456.0)", "123456"],
    ["string([1, 'a'])", "[1 a]"],
    ["string(m)", "map[a:1 b:2]"],
    ["string(nil)", "<nil>"],
    ["type(nil)", "nil"],
    ["type('')", "string"],
    ["type([])", "array"],
    ["type(m)", "map"],
    ["trim('  x  ')", "x"],
    ["trim('xxaxx', 'x')", "a"],
    ["trimPrefix('prefix-a', 'prefix-')", "a"],
    ["trimSuffix('a.txt', '.txt')", "a"],
    ["upper('abc')", "ABC"],
    ["lower('ABC')", "abc"],
    ["split('a,b,c', ',')", ["a", "b", "c"]],
    ["split('a,b,c', ',', 2)", ["a", "b,c"]],
    ["split('abc', '')", ["a", "b", "c"]],
    ["splitAfter('a,b', ',')", ["a,", "b"]],
    ["replace('aaa', 'a', 'b')", "bbb"],
    ["replace('aaa', 'a', 'b', 2)", "bba"],
    ["repeat('ab', 3)", "ababab"],
    ["join(['a', 'b'], '-')", "a-b"],
    ["join(['a', 'b'])", "ab"],
    ["indexOf('héllo', 'l')", 3],
    ["lastIndexOf('hello', 'l')", 3],
    ["hasPrefix('hello', 'he')", true],
    ["hasSuffix('hello', 'x')", false],
    ["max(1, 3, 2)", 3],
    ["max(nums)", 3],
    ["min(1.5, 2)", 1.5],
    ["mean([1, 2, 3, 4])", 2.5],
    ["median([3, 1, 2])", 2],
    ["toJSON({b: [1, 2.5], a: 'x<y'})", '{\n  "a": "x\\u003cy",\n  "b": [\n    1,\n    2.5\n  ]\n}'],
    ["fromJSON('{\"a\": [1, 2]}').a[1]", 2],
    ["type(fromJSON('1'))", "float"],
    ["toBase64('hello')", "aGVsbG8="],
    ["fromBase64('aGVsbG8=')", "hello"],
    ["first(nums)", 3],
    ["first(empty)", null],
    ["last(nums)", 2],
    ["get(m, 'a')", 1],
    ["get(nums, 10)", null],
    ["take(nums, 2)", [3, 1]],
    ["keys(m)", ["a", "b"]],
    ["values(m)", [1, 2]],
    ["toPairs({a: 1})", [["a", 1]]],
    ["fromPairs([['a', 1]])", { a: 1 }],
    ["reverse(nums)", [2, 1, 3]],
    ["uniq([1, 1.0, 2, 'a', 'a'])", [1, 2, "a"]],
    ["concat([1], [2, 3])", [1, 2, 3]],
    ["flatten([1, [2, [3]]])", [1, 2, 3]],
    ["sort(nums)", [1, 2, 3]],
    ["sort(['b', 'a'], 'desc')", ["b", "a"]],
    ["bitand(6, 3)", 2],
    ["bitor(6, 3)", 7],
    ["bitxor(6, 3)", 5],
    ["bitnand(6, 3)", 4],
    ["bitshl(1, 4)", 16],
    ["bitshr(-16, 2)", -4],
    ["bitnot(0)", -1],
    ["1..4", [1, 2, 3, 4]],
    ["3..1", []],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it.each([
    ["int('x')", "invalid operation: int(x)"],
    ["int('1.5')", "invalid operation: int(1.5)"],
    ["float('abc')", "invalid operation: float(abc)"],
    ["len(1)", "invalid argument for len (type int)"],
    ["upper(1)", "invalid argument for upper (type int)"],
    ["repeat('x', -1)", "expected positive integer"],
    ["repeat('x', 2000000)", "memory budget exceeded"],
    ["fromJSON('{')", "invalid JSON"],
    ["fromBase64('!')", "illegal base64 data"],
    ["join([1])", "expected string"],
    ["now()", "not supported"],
    ["trim()", "invalid number of arguments for trim"],
    ["bitshl(1, -1)", "negative shift count"],
  ])("%s fails: %s", (expr, message) => {
    expect(errorOf(expr).message).toContain(message);
  });
});

describe("Argo's functions", () => {
  it.each<[string, unknown]>([
    ["asInt(inputs.parameters.x) * 2", 10],
    ["asFloat('1.5') + 1", 2.5],
    ["toJson({b: 1, a: [true]})", '{"a":[true],"b":1}'],
    ["toJson('<&>')", '"\\u003c\\u0026\\u003e"'],
    ["jsonpath(inputs.parameters.json, '$.a.b[1]')", 2],
    ["jsonpath(inputs.parameters.json, '$.n')", 1.5],
    ["sprig.trim('  x ')", "x"],
    ["sprig.upper(inputs.parameters.s)", "HELLO"],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("lets the environment shadow Argo's functions and builtins", () => {
    expect(evaluateExpr("asInt('7')", { asInt: (x: unknown) => `custom ${String(x)}` })).toBe("custom 7");
    expect(evaluateExpr("len(1)", { len: () => "mine" })).toBe("mine");
  });

  it("evaluates Argo's retry-conditional expression", () => {
    const expr =
      'asInt(lastRetry.exitCode) > 1 && lastRetry.status != "Error" && asInt(lastRetry.duration) < 120 && (true == true || lastRetry.message matches \'imminent node shutdown|pod deleted\')';
    const last = (exitCode: string, status = "Failed") => ({ lastRetry: { exitCode, status, duration: "30", message: "" } });
    expect(evaluateExpr(expr, last("2"))).toBe(true);
    expect(evaluateExpr(expr, last("1"))).toBe(false);
    expect(evaluateExpr(expr, last("2", "Error"))).toBe(false);
  });
});

describe("errors", () => {
  it("names the expression and the position", () => {
    const e = errorOf("1 + )");
    expect(e.message).toBe('cannot parse expression "1 + )": unexpected token Bracket(")") at position 4');
    expect(e.expression).toBe("1 + )");
    expect(e.position).toBe(4);
  });

  it("reports the position of a failing operator", () => {
    const e = errorOf("1 + 'a'");
    expect(e.message).toBe('cannot evaluate expression "1 + \'a\'": invalid operation: int + string at position 2');
    expect(e.position).toBe(2);
  });

  it("limits nesting and size", () => {
    expect(errorOf(`${"(".repeat(1000)}1${")".repeat(1000)}`).message).toContain("nests too deeply");
    expect(errorOf("1..100000000").message).toContain("memory budget exceeded");
    expect(errorOf("reduce(1..3000000, #acc + #)").message).toMatch(/budget/);
  });
});
