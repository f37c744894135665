/** Go's `strings` package, as far as expr-lang builtins and sprig need it (rune-correct). */
import { byteOffset, runeCount, runes } from "./utf8.ts";

const WHITE_SPACE = /^\p{White_Space}$/u;

/** unicode.IsSpace: Latin-1 spaces plus the White_Space property. */
export function isSpace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

export function trimSpace(s: string): string {
  const cs = runes(s);
  let a = 0;
  let b = cs.length;
  while (a < b && isSpace(cs[a]!)) a++;
  while (b > a && isSpace(cs[b - 1]!)) b--;
  return cs.slice(a, b).join("");
}

/** unicode.ToUpper applied rune by rune: simple (1:1) case mapping only, like Go. */
export function toUpper(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  return mapRunes(s, (c) => c.toUpperCase());
}

export function toLower(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return mapRunes(s, (c) => c.toLowerCase());
}

function mapRunes(s: string, f: (c: string) => string): string {
  let out = "";
  for (const c of s) {
    const m = f(c);
    out += runeCount(m) === 1 ? m : c;
  }
  return out;
}

/** strings.Count; an empty separator counts rune boundaries. */
export function count(s: string, sep: string): number {
  if (sep === "") return runeCount(s) + 1;
  let n = 0;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) n++;
  return n;
}

/** strings.SplitN (n < 0: all) and strings.SplitAfterN when `after` is set. */
export function splitN(s: string, sep: string, n: number, after = false): string[] {
  if (n === 0) return [];
  if (sep === "") return explode(s, n);
  if (n < 0) n = count(s, sep) + 1;
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const m = rest.indexOf(sep);
    if (m < 0) break;
    out.push(rest.slice(0, after ? m + sep.length : m));
    rest = rest.slice(m + sep.length);
  }
  out.push(rest);
  return out;
}

function explode(s: string, n: number): string[] {
  const cs = runes(s);
  if (n <= 0 || n > cs.length) n = cs.length;
  const out = cs.slice(0, n - 1);
  if (n > 0) out.push(cs.slice(n - 1).join(""));
  return out;
}

/** strings.Replace (n < 0: all). An empty `old` inserts at every rune boundary, like Go. */
export function replace(s: string, old: string, repl: string, n: number): string {
  if (old === repl || n === 0) return s;
  const m = count(s, old);
  if (m === 0) return s;
  if (n < 0 || m < n) n = m;
  if (old === "") {
    const cs = runes(s);
    let out = "";
    for (let i = 0; i < cs.length; i++) out += (i < n ? repl : "") + cs[i];
    return n > cs.length ? out + repl : out;
  }
  let out = "";
  let start = 0;
  for (let i = 0; i < n; i++) {
    const j = s.indexOf(old, start);
    out += s.slice(start, j) + repl;
    start = j + old.length;
  }
  return out + s.slice(start);
}

export function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(runes(cutset));
  const cs = runes(s);
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && cut.has(cs[a]!)) a++;
  if (right) while (b > a && cut.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join("");
}

export function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

export function trimSuffix(s: string, suffix: string): string {
  return suffix !== "" && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
}

/** strings.Index as a UTF-8 byte offset (-1 when absent). */
export function byteIndex(s: string, sub: string): number {
  return byteOffset(s, s.indexOf(sub));
}

export function byteLastIndex(s: string, sub: string): number {
  return byteOffset(s, s.lastIndexOf(sub));
}

/** strings.Fields: split around runs of white space. */
export function fields(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const c of s) {
    if (isSpace(c)) {
      if (cur !== "") out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur !== "") out.push(cur);
  return out;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

function isTitleSeparator(c: string): boolean {
  if (c.charCodeAt(0) <= 0x7f) return !/^[0-9A-Za-z_]$/.test(c);
  if (LETTER_OR_DIGIT.test(c)) return false;
  return isSpace(c);
}

/** strings.Title: upper-case the first letter of every word. */
export function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const c of s) {
    out += isTitleSeparator(prev) ? toUpper(c) : c;
    prev = c;
  }
  return out;
}
