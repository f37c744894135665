/** sprig's string functions (strings.go), with sprig's argument order (subject last). */
import { randomInt } from "node:crypto";
import { Fault } from "../errors.ts";
import { quote } from "../go/strconv.ts";
import * as gostr from "../go/strings.ts";
import { byteLength, runes, sliceBytes } from "../go/utf8.ts";
import type { GoFunction, Value, ValueMap } from "../values.ts";
import type { Budget } from "../budget.ts";
import { define, defineVariadic, strval } from "./define.ts";

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;

function checkedRepeat(s: string, n: number, budget: Budget): string {
  if (n < 0) throw new Fault("strings: negative Repeat count");
  budget.string(s.length * n);
  return s.repeat(n);
}

/** goutils.WrapCustom. */
function wrapCustom(str: string, width: number, nl: string, wrapLong: boolean): string {
  if (str === "") return "";
  const newline = nl === "" ? "\n" : nl;
  const w = Math.max(width, 1);
  let out = "";
  let offset = 0;
  while (str.length - offset > w) {
    if (str[offset] === " ") {
      offset++;
      continue;
    }
    const space = str.slice(offset, w + offset + 1).lastIndexOf(" ") + offset;
    if (space >= offset) {
      out += str.slice(offset, space) + newline;
      offset = space + 1;
    } else if (wrapLong) {
      out += str.slice(offset, offset + w) + newline;
      offset += w;
    } else {
      const end = w + offset;
      const idx = str.slice(end).indexOf(" ");
      if (idx === -1) {
        out += str.slice(offset);
        offset = str.length;
      } else {
        out += str.slice(offset, idx + end) + newline;
        offset = idx + end + 1;
      }
    }
  }
  return out + str.slice(offset);
}

/** Words of an identifier-like string, splitting on separators and case changes. */
function words(s: string): string[] {
  return s
    .replace(/([\p{Ll}\p{Nd}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .split(/[\s_\-.]+/u)
    .filter((w) => w !== "");
}

function randomString(n: number, alphabet: string, budget: Budget): string {
  budget.string(n);
  budget.tick(n);
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

export function stringFunctions(): Record<string, GoFunction> {
  return {
    hello: define("hello", [], () => "Hello!"),
    abbrev: define("abbrev", ["int", "string"], ([w, s]) => {
      const width = Number(w);
      if (width < 4 || byteLength(s) <= width) return s;
      return `${sliceBytes(s, 0, width - 3)}...`;
    }),
    trunc: define("trunc", ["int", "string"], ([c, s]) => {
      const n = Number(c);
      const len = byteLength(s);
      if (n < 0 && len + n > 0) return sliceBytes(s, len + n, len);
      if (n >= 0 && len > n) return sliceBytes(s, 0, n);
      return s;
    }),
    trim: define("trim", ["string"], ([s]) => gostr.trimSpace(s)),
    upper: define("upper", ["string"], ([s]) => gostr.toUpper(s)),
    lower: define("lower", ["string"], ([s]) => gostr.toLower(s)),
    title: define("title", ["string"], ([s]) => gostr.title(s)),
    untitle: define("untitle", ["string"], ([s]) => s.replace(/(^|\s)(\S)/gu, (_m, sp: string, c: string) => sp + gostr.toLower(c))),
    substr: define("substr", ["int", "int", "string"], ([a, b, s]) => {
      const len = byteLength(s);
      const start = Number(a);
      const end = Number(b);
      const bounds = (x: number, y: number): string => {
        if (x < 0 || y > len || x > y) throw new Fault(`runtime error: slice bounds out of range [${x}:${y}] with length ${len}`);
        return sliceBytes(s, x, y);
      };
      if (start < 0) return bounds(0, end);
      if (end < 0 || end > len) return bounds(start, len);
      return bounds(start, end);
    }),
    repeat: define("repeat", ["int", "string"], ([n, s], budget) => checkedRepeat(s, Number(n), budget)),
    trimall: define("trimall", ["string", "string"], ([cut, s]) => gostr.trimCutset(s, cut, true, true)),
    trimAll: define("trimAll", ["string", "string"], ([cut, s]) => gostr.trimCutset(s, cut, true, true)),
    trimSuffix: define("trimSuffix", ["string", "string"], ([suf, s]) => gostr.trimSuffix(s, suf)),
    trimPrefix: define("trimPrefix", ["string", "string"], ([pre, s]) => gostr.trimPrefix(s, pre)),
    nospace: define("nospace", ["string"], ([s]) => runes(s).filter((c) => !gostr.isSpace(c)).join("")),
    initials: define("initials", ["string"], ([s]) => {
      let out = "";
      let gap = true;
      for (const c of s) {
        if (gostr.isSpace(c)) gap = true;
        else if (gap) {
          out += c;
          gap = false;
        }
      }
      return out;
    }),
    randAlphaNum: define("randAlphaNum", ["int"], ([n], budget) => randomString(Number(n), ALNUM, budget)),
    randAlpha: define("randAlpha", ["int"], ([n], budget) => randomString(Number(n), ALNUM.slice(0, 52), budget)),
    randAscii: define("randAscii", ["int"], ([n], budget) => randomString(Number(n), ASCII, budget)),
    randNumeric: define("randNumeric", ["int"], ([n], budget) => randomString(Number(n), "0123456789", budget)),
    swapcase: define("swapcase", ["string"], ([s]) =>
      runes(s)
        .map((c) => (UPPER.test(c) || TITLE.test(c) ? gostr.toLower(c) : LOWER.test(c) ? gostr.toUpper(c) : c))
        .join(""),
    ),
    shuffle: define("shuffle", ["string"], ([s]) => {
      const cs = runes(s);
      for (let i = cs.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [cs[i], cs[j]] = [cs[j]!, cs[i]!];
      }
      return cs.join("");
    }),
    snakecase: define("snakecase", ["string"], ([s]) => words(s).map(gostr.toLower).join("_")),
    kebabcase: define("kebabcase", ["string"], ([s]) => words(s).map(gostr.toLower).join("-")),
    camelcase: define("camelcase", ["string"], ([s]) =>
      s
        .split("_")
        .map((w) => (w === "" ? "" : gostr.toUpper(runes(w)[0]!) + runes(w).slice(1).join("")))
        .join(""),
    ),
    wrap: define("wrap", ["int", "string"], ([l, s]) => wrapCustom(s, Number(l), "\n", false)),
    wrapWith: define("wrapWith", ["int", "string", "string"], ([l, sep, s]) => wrapCustom(s, Number(l), sep, true)),
    contains: define("contains", ["string", "string"], ([sub, s]) => s.includes(sub)),
    hasPrefix: define("hasPrefix", ["string", "string"], ([pre, s]) => s.startsWith(pre)),
    hasSuffix: define("hasSuffix", ["string", "string"], ([suf, s]) => s.endsWith(suf)),
    quote: defineVariadic("quote", [], "any", (_a, vs, budget) => vs.filter((v) => v !== null).map((v) => quote(strval(v, budget))).join(" ")),
    squote: defineVariadic("squote", [], "any", (_a, vs, budget) => vs.filter((v) => v !== null).map((v) => `'${strval(v, budget)}'`).join(" ")),
    cat: defineVariadic("cat", [], "any", (_a, vs, budget) => vs.filter((v) => v !== null).map((v) => strval(v, budget)).join(" ")),
    indent: define("indent", ["int", "string"], ([n, s], budget) => {
      const pad = checkedRepeat(" ", Number(n), budget);
      return pad + gostr.replace(s, "\n", `\n${pad}`, -1);
    }),
    nindent: define("nindent", ["int", "string"], ([n, s], budget) => {
      const pad = checkedRepeat(" ", Number(n), budget);
      return `\n${pad}${gostr.replace(s, "\n", `\n${pad}`, -1)}`;
    }),
    replace: define("replace", ["string", "string", "string"], ([old, repl, s], budget) => {
      budget.string(gostr.count(s, old) * repl.length + s.length);
      return gostr.replace(s, old, repl, -1);
    }),
    plural: define("plural", ["string", "string", "int"], ([one, many, n]) => (n === 1n ? one : many)),
    toString: define("toString", ["any"], ([v], budget) => strval(v, budget)),
    split: define("split", ["string", "string"], ([sep, s], budget) => {
      budget.elements(gostr.count(s, sep) + 1, "map");
      return indexedParts(gostr.splitN(s, sep, -1));
    }),
    splitn: define("splitn", ["string", "int", "string"], ([sep, n, s], budget) => {
      budget.elements(Math.min(gostr.count(s, sep) + 1, Math.max(Number(n), 0)), "map");
      return indexedParts(gostr.splitN(s, sep, Number(n)));
    }),
    splitList: define("splitList", ["string", "string"], ([sep, s], budget) => {
      budget.elements(gostr.count(s, sep) + 1, "list");
      return gostr.splitN(s, sep, -1);
    }),
  };
}

/** split/splitn return a map {_0: …, _1: …}. */
function indexedParts(parts: readonly string[]): ValueMap {
  const m = new Map<string, Value>();
  parts.forEach((p, i) => m.set(`_${i}`, p));
  return m;
}
