import { describe, expect, it } from "vitest";
import { evaluateExpr, ExpressionError } from "../../../src/engine/expr/index.ts";
import { sprigFunctionNames } from "../../../src/engine/expr/sprig.ts";

// Expected values follow Masterminds/sprig v3 as called from expr-lang: arguments must have the
// Go parameter types (reflect.Call), numbers go through spf13/cast, floats through
// shopspring/decimal, and the subject comes last (`sprig.trimPrefix("-", s)`).

const env = { list: ["b", "a", "c"], dict: { a: 1, b: "x" }, nums: [1, 2, 3], s: "hello world" };
const ev = (expr: string): unknown => evaluateExpr(expr, env);

function errorOf(expr: string): string {
  try {
    ev(expr);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return (e as ExpressionError).message;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe("sprig strings", () => {
  it.each<[string, unknown]>([
    ["sprig.trim('  a  ')", "a"],
    ["sprig.upper('abc')", "ABC"],
    ["sprig.lower('ABC')", "abc"],
    ["sprig.title('hello world')", "Hello World"],
    ["sprig.untitle('Hello World')", "hello world"],
    ["sprig.replace('a', 'b', 'banana')", "bbnbnb"],
    ["sprig.contains('ell', 'hello')", true],
    ["sprig.hasPrefix('he', 'hello')", true],
    ["sprig.hasSuffix('lo', 'hello')", true],
    ["sprig.trimPrefix('-', '-x')", "x"],
    ["sprig.trimSuffix('.txt', 'a.txt')", "a"],
    ["sprig.trimAll('$', '$5.00$')", "5.00"],
    ["sprig.repeat(3, 'ab')", "ababab"],
    ["sprig.substr(1, 3, 'hello')", "el"],
    ["sprig.substr(-1, 3, 'hello')", "hel"],
    ["sprig.substr(2, 99, 'hello')", "llo"],
    ["sprig.trunc(3, 'hello')", "hel"],
    ["sprig.trunc(-3, 'hello')", "llo"],
    ["sprig.abbrev(5, 'hello world')", "he..."],
    ["sprig.nospace(' a b\tc ')", "abc"],
    ["sprig.initials('hello big world')", "hbw"],
    ["sprig.swapcase('Hello')", "hELLO"],
    ["sprig.snakecase('FirstName')", "first_name"],
    ["sprig.kebabcase('FirstName')", "first-name"],
    ["sprig.camelcase('http_server')", "HttpServer"],
    ["sprig.quote('a\"b', 1, nil)", '"a\\"b" "1"'],
    ["sprig.squote('a', 'b')", "'a' 'b'"],
    ["sprig.cat('a', 1, nil, 2.5)", "a 1 2.5"],
    ["sprig.indent(2, 'a\\nb')", "  a\n  b"],
    ["sprig.nindent(2, 'a')", "\n  a"],
    ["sprig.plural('one', 'many', 2)", "many"],
    ["sprig.wrap(5, 'hello big world')", "hello\nbig\nworld"],
    ["sprig.toString(1.5)", "1.5"],
    ["sprig.toString(1000000.0)", "1e+06"],
    ["sprig.toString([1, 'a'])", "[1 a]"],
    ["sprig.split('/', 'a/b')", { _0: "a", _1: "b" }],
    ["sprig.splitn('/', 2, 'a/b/c')", { _0: "a", _1: "b/c" }],
    ["sprig.splitList('/', 'a/b')", ["a", "b"]],
    ["sprig.join('-', ['a', 1, nil])", "a-1"],
    ["sprig.join('-', 'single')", "single"],
    ["sprig.sortAlpha(list)", ["a", "b", "c"]],
    ["sprig.hello()", "Hello!"],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("produces random strings of the requested length", () => {
    expect(ev("sprig.randAlphaNum(12)")).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(ev("sprig.randNumeric(5)")).toMatch(/^[0-9]{5}$/);
    expect(ev("sprig.uuidv4()")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("sprig numbers", () => {
  it.each<[string, unknown]>([
    ["sprig.add(1, 2, 3)", 6],
    ["sprig.add(1, '2', 3.7)", 6],
    ["sprig.add('0x10', '010')", 24],
    ["sprig.add('5.0')", 5],
    ["sprig.add('abc')", 0],
    ["sprig.add1(1)", 2],
    ["sprig.sub(5, 2)", 3],
    ["sprig.mul(2, 3, 4)", 24],
    ["sprig.div(7, 2)", 3],
    ["sprig.mod(7, 2)", 1],
    ["sprig.max(1, 5, 3)", 5],
    ["sprig.min(1, 5, -3)", -3],
    ["sprig.biggest(1, 2)", 2],
    ["sprig.addf(1.1, 2.2)", 3.3],
    ["sprig.subf(1, 0.9)", 0.1],
    ["sprig.mulf(1.1, 3)", 3.3],
    ["sprig.divf(1, 3)", 0.3333333333333333],
    ["sprig.add1f(1.5)", 2.5],
    ["sprig.maxf(1, 2.5)", 2.5],
    ["sprig.minf(1, 2.5)", 1],
    ["sprig.floor(1.7)", 1],
    ["sprig.ceil(1.2)", 2],
    ["sprig.round(3.14159, 2)", 3.14],
    ["sprig.round(2.5, 0)", 3],
    ["sprig.atoi('42')", 42],
    ["sprig.atoi('x')", 0],
    ["sprig.int('12')", 12],
    ["sprig.int64(3.9)", 3],
    ["sprig.float64('2.5')", 2.5],
    ["sprig.toDecimal('0777')", 511],
    ["sprig.until(5)", [0, 1, 2, 3, 4]],
    ["sprig.until(-3)", [0, -1, -2]],
    ["sprig.untilStep(0, 10, 3)", [0, 3, 6, 9]],
    ["sprig.untilStep(5, 0, -2)", [5, 3, 1]],
    ["sprig.seq(3)", "1 2 3"],
    ["sprig.seq(0)", "1 0"],
    ["sprig.seq(2, 4)", "2 3 4"],
    ["sprig.seq(5, -2, 1)", "5 3 1"],
    ["sprig.seq(1, -1, 5)", ""],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("types sprig's int64 results as ints", () => {
    expect(ev("type(sprig.add(1, 2))")).toBe("int");
    expect(ev("type(sprig.addf(1, 2))")).toBe("float");
  });

  it("is strict about Go parameter types, like reflect.Call", () => {
    expect(errorOf("sprig.until(5.0)")).toContain("reflect: Call using float64 as type int");
    expect(errorOf("sprig.trim(1)")).toContain("reflect: Call using int as type string");
    expect(errorOf("sprig.until()")).toContain("too few input arguments");
    expect(errorOf("sprig.div(1, 0)")).toContain("integer divide by zero");
    expect(errorOf("sprig.divf(1, 0)")).toContain("decimal division by 0");
  });

  it("bounds ranges and repetitions by the memory budget", () => {
    expect(errorOf("sprig.until(100000000)")).toContain("memory budget exceeded");
    expect(errorOf("sprig.seq(100000000)")).toContain("memory budget exceeded");
    expect(errorOf("sprig.repeat(100000000, 'xx')")).toContain("memory budget exceeded");
    expect(errorOf("sprig.randAlpha(100000000)")).toContain("memory budget exceeded");
  });
});

describe("sprig lists and dicts", () => {
  it.each<[string, unknown]>([
    ["sprig.list(1, 'a', nil)", [1, "a", null]],
    ["sprig.first(list)", "b"],
    ["sprig.first([])", null],
    ["sprig.last(list)", "c"],
    ["sprig.rest(list)", ["a", "c"]],
    ["sprig.initial(list)", ["b", "a"]],
    ["sprig.reverse(list)", ["c", "a", "b"]],
    ["sprig.append(list, 'd')", ["b", "a", "c", "d"]],
    ["sprig.prepend(list, 'z')", ["z", "b", "a", "c"]],
    ["sprig.concat(list, [1])", ["b", "a", "c", 1]],
    ["sprig.uniq([1, 1, 2])", [1, 2]],
    ["sprig.without(nums, 2)", [1, 3]],
    ["sprig.has(2, nums)", true],
    ["sprig.has(2.0, nums)", false],
    ["sprig.has(1, nil)", false],
    ["sprig.compact(['a', '', nil, 0, 'b'])", ["a", "b"]],
    ["sprig.slice(nums, 1)", [2, 3]],
    ["sprig.slice(nums, 0, 2)", [1, 2]],
    ["sprig.chunk(2, nums)", [[1, 2], [3]]],
    ["sprig.dict('a', 1, 'b')", { a: 1, b: "" }],
    ["sprig.get(dict, 'a')", 1],
    ["sprig.get(dict, 'zz')", ""],
    ["sprig.hasKey(dict, 'b')", true],
    ["sprig.keys(dict)", ["a", "b"]],
    ["sprig.values({a: 1})", [1]],
    ["sprig.pick(dict, 'a')", { a: 1 }],
    ["sprig.omit(dict, 'a')", { b: "x" }],
    ["sprig.set(sprig.dict(), 'k', 'v')", { k: "v" }],
    ["sprig.unset(sprig.dict('k', 1), 'k')", {}],
    ["sprig.pluck('a', {a: 1}, {b: 2}, {a: 3})", [1, 3]],
    ["sprig.dig('x', 'y', 'default', {x: {y: 'found'}})", "found"],
    ["sprig.dig('x', 'z', 'default', {x: {y: 'found'}})", "default"],
    ["sprig.merge({a: 1}, {a: 2, b: 3})", { a: 1, b: 3 }],
    ["sprig.mergeOverwrite({a: 1}, {a: 2, b: 3})", { a: 2, b: 3 }],
    ["sprig.deepCopy({a: [1]})", { a: [1] }],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("fails on non-lists like sprig does", () => {
    expect(errorOf("sprig.first('abc')")).toContain("Cannot find first on type string");
    expect(errorOf("sprig.concat(1)")).toContain("Cannot concat type int as list");
  });
});

describe("sprig defaults, JSON, encodings, regexps, paths, reflection", () => {
  it.each<[string, unknown]>([
    ["sprig.default('d', '')", "d"],
    ["sprig.default('d', 0)", "d"],
    ["sprig.default('d', [])", "d"],
    ["sprig.default('d', 'set')", "set"],
    ["sprig.default('d')", "d"],
    ["sprig.empty('')", true],
    ["sprig.empty({})", true],
    ["sprig.empty(false)", true],
    ["sprig.empty(0.0)", true],
    ["sprig.empty('x')", false],
    ["sprig.coalesce('', nil, 'x', 'y')", "x"],
    ["sprig.coalesce('', 0)", null],
    ["sprig.all(1, 'a')", true],
    ["sprig.any(0, '', 'a')", true],
    ["sprig.ternary('yes', 'no', 1 > 0)", "yes"],
    ["sprig.toJson({b: 1, a: '<'})", '{"a":"\\u003c","b":1}'],
    ["sprig.toRawJson({a: '<'})", '{"a":"<"}'],
    ["sprig.toPrettyJson({a: 1})", '{\n  "a": 1\n}'],
    ["sprig.toJson(1.0)", "1"],
    ["sprig.fromJson('{\"a\": [1]}').a[0]", 1],
    ["sprig.fromJson('nope')", null],
    ["sprig.b64enc('hello')", "aGVsbG8="],
    ["sprig.b64dec('aGVsbG8=')", "hello"],
    ["sprig.b64dec('a')", "illegal base64 data at input byte 0"],
    ["sprig.b32enc('hello')", "NBSWY3DP"],
    ["sprig.b32dec('NBSWY3DP')", "hello"],
    ["sprig.sha1sum('abc')", "a9993e364706816aba3e25717850c26c9cd0d89d"],
    ["sprig.sha256sum('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["sprig.adler32sum('abc')", "38600999"],
    ["sprig.regexMatch('^[a-z]+$', 'abc')", true],
    ["sprig.regexMatch('(', 'abc')", false],
    ["sprig.regexFind('[0-9]+', 'ab12cd34')", "12"],
    ["sprig.regexFind('x', 'abc')", ""],
    ["sprig.regexFindAll('[0-9]', 'a1b2c3', 2)", ["1", "2"]],
    ["sprig.regexFindAll('[0-9]', 'a1b2c3', -1)", ["1", "2", "3"]],
    ["sprig.regexReplaceAll('a(x*)b', '-ab-axxb-', '${1}W')", "-W-xxW-"],
    ["sprig.regexReplaceAll('a(x*)b', '-ab-axxb-', '$1W')", "---"],
    ["sprig.regexReplaceAllLiteral('a(x*)b', '-ab-axxb-', '${1}')", "-${1}-${1}-"],
    ["sprig.regexSplit('z+', 'pizza', -1)", ["pi", "a"]],
    ["sprig.regexQuoteMeta('1.5+')", "1\\.5\\+"],
    ["sprig.base('/a/b.txt')", "b.txt"],
    ["sprig.dir('/a/b.txt')", "/a"],
    ["sprig.ext('/a/b.tar.gz')", ".gz"],
    ["sprig.clean('a//b/../c/.')", "a/c"],
    ["sprig.isAbs('/x')", true],
    ["sprig.typeOf(1)", "int"],
    ["sprig.typeOf(1.5)", "float64"],
    ["sprig.typeOf([])", "[]interface {}"],
    ["sprig.typeIs('string', 'x')", true],
    ["sprig.kindOf({})", "map"],
    ["sprig.kindIs('slice', [])", true],
    ["sprig.deepEqual([1], [1])", true],
    ["sprig.deepEqual(1, 1.0)", false],
  ])("%s → %j", (expr, expected) => {
    expect(ev(expr)).toEqual(expected);
  });

  it("propagates errors from the must* variants and fail", () => {
    expect(errorOf("sprig.mustFromJson('nope')")).toContain("invalid JSON");
    expect(errorOf("sprig.mustRegexMatch('(', 'x')")).toContain("error parsing regexp");
    expect(errorOf("sprig.regexFind('(', 'x')")).toContain("error parsing regexp");
    expect(errorOf("sprig.fail('boom')")).toContain("boom");
  });

  it("does not provide env, expandenv or len", () => {
    const names = sprigFunctionNames();
    expect(names).not.toContain("env");
    expect(names).not.toContain("expandenv");
    expect(errorOf("sprig.len([1])")).toContain("sprig.len is not a function (it is nil)");
    expect(ev("len(sprig.list(1, 2))")).toBe(2);
  });
});
