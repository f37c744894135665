/** Syntax tree of a Go (RE2) regular expression. Positions are code-point indices. */

export type Assertion = "bot" | "eot" | "bol" | "eol" | "word" | "nonword";

/** A character class: code point ranges and Unicode property tests, optionally negated. */
export interface CharClass {
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly props: ReadonlyArray<(cp: number) => boolean>;
  readonly negated: boolean;
  readonly fold: boolean;
}

export type ReNode =
  | { readonly t: "empty" }
  | { readonly t: "lit"; readonly cp: number; readonly fold: boolean }
  | { readonly t: "class"; readonly cls: CharClass }
  | { readonly t: "any"; readonly dotNL: boolean }
  | { readonly t: "assert"; readonly kind: Assertion }
  | { readonly t: "cap"; readonly index: number; readonly name: string; readonly sub: ReNode }
  | { readonly t: "cat"; readonly subs: readonly ReNode[] }
  | { readonly t: "alt"; readonly subs: readonly ReNode[] }
  | { readonly t: "rep"; readonly min: number; readonly max: number; readonly greedy: boolean; readonly sub: ReNode };

/** Canonical simple case fold of a code point (lower of upper, when both are single runes). */
export function foldCase(cp: number): number {
  const up = String.fromCodePoint(cp).toUpperCase();
  if (up.length > 2 || up.codePointAt(0)! > 0x10ffff) return cp;
  const upCp = up.codePointAt(0)!;
  if (String.fromCodePoint(upCp) !== up) return cp;
  const low = String.fromCodePoint(upCp).toLowerCase();
  const lowCp = low.codePointAt(0)!;
  return String.fromCodePoint(lowCp) === low ? lowCp : cp;
}

function rawClassHas(cls: CharClass, cp: number): boolean {
  for (const [a, b] of cls.ranges) if (cp >= a && cp <= b) return true;
  for (const p of cls.props) if (p(cp)) return true;
  return false;
}

export function classMatches(cls: CharClass, cp: number): boolean {
  let hit = rawClassHas(cls, cp);
  if (!hit && cls.fold) {
    const s = String.fromCodePoint(cp);
    for (const v of [foldCase(cp), s.toUpperCase().codePointAt(0)!, s.toLowerCase().codePointAt(0)!]) {
      if (v !== cp && rawClassHas(cls, v)) {
        hit = true;
        break;
      }
    }
  }
  return hit !== cls.negated;
}
