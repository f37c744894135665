import { describe, expect, it } from "vitest";
import { Budget } from "../../../src/engine/expr/budget.ts";
import { Fault } from "../../../src/engine/expr/errors.ts";
import { GoRegexp } from "../../../src/engine/expr/re2/regexp.ts";

// Go's regexp (RE2): leftmost-first matching, `$` only at the end of text unless (?m), ASCII \b,
// \d, \s, \w, no backreferences or lookaround, linear time. Examples follow Go's documentation.

const re = (p: string): GoRegexp => GoRegexp.compile(p);
const b = (): Budget => new Budget();

describe("GoRegexp matching", () => {
  it.each<[string, string, string | undefined]>([
    ["hea", "heads", "hea"],
    ["^a+$", "aaa", "aaa"],
    ["a$", "a\n", undefined],
    ["(?m)a$", "a\nb", "a"],
    ["(?m)^b", "a\nb", "b"],
    ["^b", "a\nb", undefined],
    [".", "\n", undefined],
    ["(?s).", "\n", "\n"],
    ["(?i)HeLLo", "hello", "hello"],
    ["(?i)k", "\u212a", "\u212a"],
    ["a{2,3}", "aaaa", "aaa"],
    ["a{2,3}?", "aaaa", "aa"],
    ["a{2,}", "aaaaa", "aaaaa"],
    ["a{0}b", "ab", "b"],
    ["x*", "", ""],
    ["(a|ab)(c|bcd)(d*)", "abcd", "abcd"],
    ["\\bfoo\\b", "a foo b", "foo"],
    ["\\Bo\\B", "foo", "o"],
    ["\\d+", "ab123", "123"],
    ["\\D+", "12ab3", "ab"],
    ["\\s+", "a \t b", " \t "],
    ["\\w+", "¡héllo!", "h"],
    ["[[:alpha:]]+", "123abc", "abc"],
    ["[[:^digit:]]+", "12ab3", "ab"],
    ["[^a-c]+", "abcdef", "def"],
    ["[]a]+", "]a]b", "]a]"],
    ["[a-]+", "-a-b", "-a-"],
    ["\\p{Greek}+", "abc αβγ", "αβγ"],
    ["\\pL+", "123héllo", "héllo"],
    ["\\PL+", "ab12", "12"],
    ["\\p{^L}+", "ab12", "12"],
    ["[\\p{Lu}]+", "abCDe", "CD"],
    ["\\x41\\x{263a}\\101", "A☺A", "A☺A"],
    ["\\Q.*\\E", "a.*b", ".*"],
    ["a\\.b", "a.b axb", "a.b"],
    ["(?P<year>\\d{4})-(?<m>\\d\\d)", "on 2024-05", "2024-05"],
    ["(?:ab)+", "ababa", "abab"],
    ["(?U)a+", "aaa", "a"],
    ["(?U)a+?", "aaa", "aaa"],
    ["a|", "b", ""],
    ["\\A\\z", "", ""],
    ["(?i:A)a", "aA", undefined],
  ])("%s on %j → %j", (pattern, text, expected) => {
    expect(re(pattern).find(text, b())).toBe(expected);
  });

  it("never backtracks catastrophically", () => {
    const start = Date.now();
    expect(re("(a+)+$").test(`${"a".repeat(30)}!`, b())).toBe(false);
    expect(re("(a|a)*b").test("a".repeat(5000), b())).toBe(false);
    expect(re("(x+x+)+y").test("x".repeat(2000), b())).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it("runs out of budget instead of hanging on huge inputs", () => {
    expect(() => re("(a|b|c|d|e)*z").test("abcde".repeat(200_000), b())).toThrow(/budget/);
  });
});

describe("GoRegexp: find all, replace, split", () => {
  it.each<[string, string, number, string[]]>([
    ["a.", "paranormal", -1, ["ar", "an", "al"]],
    ["a.", "paranormal", 2, ["ar", "an"]],
    // the empty match at 1 abuts the previous match and is dropped
    ["x*", "xaxx", -1, ["x", "xx"]],
    ["a*", "baaacaa", -1, ["", "aaa", "aa"]],
    ["z", "abc", -1, []],
  ])("FindAll(%s, %s, %d)", (pattern, text, n, expected) => {
    expect(re(pattern).findAll(text, n, b())).toEqual(expected);
  });

  it.each<[string, string, string, string]>([
    ["a(x*)b", "-ab-axxb-", "T", "-T-T-"],
    ["a(x*)b", "-ab-axxb-", "$1", "--xx-"],
    ["a(x*)b", "-ab-axxb-", "$1W", "---"],
    ["a(x*)b", "-ab-axxb-", "${1}W", "-W-xxW-"],
    ["a(?P<x>x*)b", "-axxb-", "[$x]", "-[xx]-"],
    ["a", "aa", "$$", "$$"],
    ["a*", "baaac", "X", "XbXcX"],
    ["", "abc", "-", "-a-b-c-"],
  ])("ReplaceAll(%s, %s, %s)", (pattern, text, repl, expected) => {
    expect(re(pattern).replaceAll(text, repl, false, b())).toBe(expected);
  });

  it("replaces literally when asked", () => {
    expect(re("a(x*)b").replaceAll("-ab-axxb-", "${1}", true, b())).toBe("-${1}-${1}-");
  });

  it.each<[string, string, number, string[]]>([
    ["a", "banana", -1, ["b", "n", "n", ""]],
    ["a", "apple", 0, []],
    ["a*", "abaabaccadaaae", 5, ["", "b", "b", "c", "cadaaae"]],
    ["", "abc", -1, ["a", "b", "c"]],
    ["z+", "", -1, [""]],
  ])("Split(%s, %s, %d)", (pattern, text, n, expected) => {
    expect(re(pattern).split(text, n, b())).toEqual(expected);
  });
});

describe("GoRegexp syntax errors", () => {
  it.each([
    ["(", "missing closing ): `(`"],
    ["a)", "unexpected ): `a)`"],
    ["a**", "invalid nested repetition operator: `**`"],
    ["*a", "missing argument to repetition operator: `*`"],
    ["\\1", "invalid escape sequence: `\\1`"],
    ["\\8", "invalid escape sequence: `\\8`"],
    ["\\Z", "invalid escape sequence: `\\Z`"],
    ["[z-a]", "invalid character class range: `z-a`"],
    ["[a", "missing closing ]: `[a`"],
    ["x{1001}", "invalid repeat count: `{1001}`"],
    ["x{2,1}", "invalid repeat count: `{2,1}`"],
    ["(?<n>a)(?<n>b)", "duplicate capture group name"],
    ["(?=a)", "invalid or unsupported Perl syntax"],
    ["(?<=a)b", "invalid named capture"],
    ["\\p{Nope}", "invalid character class range"],
    ["[[:nope:]]", "invalid character class range"],
    ["a\\", "trailing backslash at end of expression"],
  ])("%s → %s", (pattern, message) => {
    expect(() => re(pattern)).toThrow(Fault);
    expect(() => re(pattern)).toThrow(`error parsing regexp: ${message}`);
  });

  it("treats a brace that is not a repetition as a literal", () => {
    expect(re("a{,2}").find("a{,2}", b())).toBe("a{,2}");
    expect(re("{").find("x{", b())).toBe("{");
  });
});
