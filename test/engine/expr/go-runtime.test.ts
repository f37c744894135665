import { describe, expect, it } from "vitest";
import { formatV } from "../../../src/engine/expr/go/format.ts";
import { marshal, unmarshal } from "../../../src/engine/expr/go/json.ts";
import { atoi, formatFloatG, parseFloat64, parseIntBase0, quote } from "../../../src/engine/expr/go/strconv.ts";
import { replace, splitN, title, toUpper, trimSpace } from "../../../src/engine/expr/go/strings.ts";
import { byteLength, compareStrings, sliceBytes } from "../../../src/engine/expr/go/utf8.ts";
import { GoFunction, type Value } from "../../../src/engine/expr/values.ts";

// The Go library behaviour the languages rely on: fmt's %v, strconv, encoding/json, strings.

describe("fmt %v", () => {
  it.each<[Value, string]>([
    [1n, "1"],
    [-42n, "-42"],
    [1.5, "1.5"],
    [2, "2"],
    [100000, "100000"],
    [1000000, "1e+06"],
    [1234567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e21, "1e+21"],
    [-0, "-0"],
    [Number.NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [true, "true"],
    [null, "<nil>"],
    ["s", "s"],
    [[1n, "a", [true]], "[1 a [true]]"],
    [new Map<string, Value>([["b", 2n], ["a", 1n]]), "map[a:1 b:2]"],
  ])("%s → %s", (v, expected) => {
    expect(formatV(v)).toBe(expected);
  });

  it("formats floats like strconv.FormatFloat(x, 'g', -1, 64)", () => {
    expect(formatFloatG(123456789)).toBe("1.23456789e+08");
    expect(formatFloatG(0.1)).toBe("0.1");
    expect(formatFloatG(5e-324)).toBe("5e-324");
  });
});

describe("strconv", () => {
  it("parses ints like Atoi", () => {
    expect(atoi("42")).toBe(42n);
    expect(atoi("+7")).toBe(7n);
    expect(atoi("-0")).toBe(0n);
    expect(atoi("9223372036854775807")).toBe(9223372036854775807n);
    for (const bad of ["", " 1", "1.0", "0x10", "1_000", "9223372036854775808"]) expect(atoi(bad)).toBeUndefined();
  });

  it("parses ints with base prefixes like ParseInt(s, 0, 64)", () => {
    expect(parseIntBase0("0x1f")).toBe(31n);
    expect(parseIntBase0("010")).toBe(8n);
    expect(parseIntBase0("0b11")).toBe(3n);
    expect(parseIntBase0("1_000")).toBe(1000n);
    expect(parseIntBase0("_1")).toBeUndefined();
    expect(parseIntBase0("08")).toBeUndefined();
  });

  it("parses floats like ParseFloat", () => {
    expect(parseFloat64("1e3")).toBe(1000);
    expect(parseFloat64(".5")).toBe(0.5);
    expect(parseFloat64("5.")).toBe(5);
    expect(parseFloat64("Inf")).toBe(Infinity);
    expect(parseFloat64("-infinity")).toBe(-Infinity);
    expect(parseFloat64("NaN")).toBeNaN();
    expect(parseFloat64("0x1p-2")).toBe(0.25);
    expect(parseFloat64("1_000.5")).toBe(1000.5);
    for (const bad of ["", "abc", "1e", "1e400", " 1", "0x1"]) expect(parseFloat64(bad)).toBeUndefined();
  });

  it("quotes like strconv.Quote", () => {
    expect(quote('a"b\\c\n\t')).toBe('"a\\"b\\\\c\\n\\t"');
    expect(quote("\x00\x7f")).toBe('"\\x00\\x7f"');
    expect(quote("é☺")).toBe('"é☺"');
    expect(quote("\u00a0\u200b")).toBe('"\\u00a0\\u200b"');
  });
});

describe("encoding/json", () => {
  it("marshals with sorted keys, HTML escaping and Go number formats", () => {
    const v = new Map<string, Value>([
      ["z", [1n, 1.5, 1e21, 1e-7, -0]],
      ["a", "<&>\u2028\b"],
    ]);
    expect(marshal(v)).toBe('{"a":"\\u003c\\u0026\\u003e\\u2028\\b","z":[1,1.5,1e+21,1e-7,-0]}');
    expect(marshal(v, { escapeHTML: false })).toContain('"<&>');
  });

  it("indents like MarshalIndent", () => {
    expect(marshal(new Map<string, Value>([["a", [1n, new Map()]], ["b", []]]), { indent: "  " })).toBe(
      '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}',
    );
  });

  it("rejects what Go cannot encode", () => {
    expect(() => marshal(Number.NaN)).toThrow("json: unsupported value: NaN");
    expect(() => marshal(new GoFunction("f", () => null))).toThrow("json: unsupported type");
    expect(() => marshal(new Map<bigint, Value>([[1n, 1n]]) as never)).toThrow("unsupported type");
  });

  it("unmarshals numbers as float64 and objects as maps", () => {
    const v = unmarshal('{"a": [1, 2.5, "x", null, true], "__proto__": 1}');
    expect(v).toBeInstanceOf(Map);
    expect((v as Map<string, Value>).get("a")).toEqual([1, 2.5, "x", null, true]);
    expect((v as Map<string, Value>).get("__proto__")).toBe(1);
    expect(() => unmarshal("1e400")).toThrow("cannot unmarshal");
    expect(() => unmarshal("{")).toThrow("invalid JSON");
  });
});

describe("strings and UTF-8", () => {
  it("counts and slices bytes", () => {
    expect(byteLength("héllo☺😀")).toBe(1 + 2 + 3 + 3 + 4);
    expect(sliceBytes("héllo", 0, 3)).toBe("hé");
  });

  it("orders strings by code point, like Go", () => {
    expect(compareStrings("\uffff", "😀")).toBeLessThan(0);
    expect("\uffff" < "😀").toBe(false);
  });

  it("follows Go's strings package", () => {
    expect(trimSpace("\u00a0 x \t\n")).toBe("x");
    expect(trimSpace("\ufeffx")).toBe("\ufeffx");
    expect(toUpper("straße")).toBe("STRAßE");
    expect(splitN("a,b,c", ",", 2)).toEqual(["a", "b,c"]);
    expect(splitN("", ",", -1)).toEqual([""]);
    expect(splitN("abc", "", -1)).toEqual(["a", "b", "c"]);
    expect(replace("abc", "", "-", -1)).toBe("-a-b-c-");
    expect(replace("abc", "", "-", 2)).toBe("-a-bc");
    expect(title("hello wORLD-x_y")).toBe("Hello WORLD-X_y");
  });
});
