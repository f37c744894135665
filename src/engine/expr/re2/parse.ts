/**
 * Parser for Go's regexp syntax (RE2, Perl flavour: regexp.Compile). Error messages follow Go's
 * `error parsing regexp: <reason>: \`<text>\``.
 */
import { Fault } from "../errors.ts";
import type { Assertion, CharClass, ReNode } from "./ast.ts";

export interface ParsedRegexp {
  readonly root: ReNode;
  /** Number of capture groups including group 0 (the whole match). */
  readonly numCaps: number;
  /** Group names by index ("" for unnamed groups and group 0). */
  readonly names: readonly string[];
}

interface Flags {
  fold: boolean;
  multiline: boolean;
  dotNL: boolean;
  ungreedy: boolean;
}

type Range = readonly [number, number];

const MAX_RUNE = 0x10ffff;
const MAX_REPEAT = 1000;
const MAX_DEPTH = 1000;

const PERL_CLASSES: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const CATEGORIES = new Set(
  "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs".split(" "),
);

const propertyCache = new Map<string, ((cp: number) => boolean) | null>();

/** A Unicode category or script test, as Go's \p{…} accepts them; null if unknown. */
function unicodeProperty(name: string): ((cp: number) => boolean) | null {
  if (propertyCache.has(name)) return propertyCache.get(name)!;
  let test: ((cp: number) => boolean) | null = null;
  if (name === "Any") test = () => true;
  else if (/^[A-Za-z_]+$/.test(name)) {
    try {
      const re = CATEGORIES.has(name) ? new RegExp(`^\\p{gc=${name}}$`, "u") : new RegExp(`^\\p{Script=${name}}$`, "u");
      test = (cp) => re.test(String.fromCodePoint(cp));
    } catch {
      test = null;
    }
  }
  propertyCache.set(name, test);
  return test;
}

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of sorted) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function isWordAscii(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
}

function isHex(cp: number | undefined): boolean {
  return cp !== undefined && ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66));
}

class Parser {
  private pos = 0;
  private numCaps = 1;
  private readonly names: string[] = [""];

  constructor(
    private readonly src: readonly number[],
    private readonly text: string,
  ) {}

  parse(): ParsedRegexp {
    const flags: Flags = { fold: false, multiline: false, dotNL: false, ungreedy: false };
    const root = this.parseAlt(flags, 0);
    if (this.pos < this.src.length) {
      // Only an unmatched ")" stops the top-level alternation early.
      this.fail("unexpected )", this.text);
    }
    return { root, numCaps: this.numCaps, names: this.names };
  }

  private fail(reason: string, fragment: string): never {
    throw new Fault(`error parsing regexp: ${reason}: \`${fragment}\``);
  }

  private peek(offset = 0): number | undefined {
    return this.src[this.pos + offset];
  }

  private fragment(from: number, to = this.pos): string {
    return String.fromCodePoint(...this.src.slice(from, to));
  }

  private parseAlt(flags: Flags, depth: number): ReNode {
    if (depth > MAX_DEPTH) this.fail("expression nests too deeply", this.text);
    const alts: ReNode[] = [this.parseConcat(flags, depth)];
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      alts.push(this.parseConcat(flags, depth));
    }
    return alts.length === 1 ? alts[0]! : { t: "alt", subs: alts };
  }

  private parseConcat(flags: Flags, depth: number): ReNode {
    const items: ReNode[] = [];
    let lastRepeatStart = -1;
    while (this.pos < this.src.length) {
      const c = this.peek()!;
      if (c === 0x7c || c === 0x29) break;
      const opStart = this.pos;
      const rep = this.tryRepeatOp(flags);
      if (rep) {
        // Perl forbids stacked repetition operators: a** is an error, not a doubled star.
        if (lastRepeatStart >= 0) this.fail("invalid nested repetition operator", this.fragment(lastRepeatStart));
        const sub = items.pop();
        if (sub === undefined) this.fail("missing argument to repetition operator", this.fragment(opStart));
        items.push({ t: "rep", min: rep.min, max: rep.max, greedy: rep.greedy, sub });
        lastRepeatStart = opStart;
        continue;
      }
      lastRepeatStart = -1;
      const atom = this.parseAtom(flags, depth);
      if (atom) items.push(...atom);
    }
    if (items.length === 0) return { t: "empty" };
    return items.length === 1 ? items[0]! : { t: "cat", subs: items };
  }

  /** Parse `*`, `+`, `?` or `{n,m}` (plus a lazy `?`) at the cursor, or return undefined. */
  private tryRepeatOp(flags: Flags): { min: number; max: number; greedy: boolean } | undefined {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === 0x2a) [min, max] = [0, -1];
    else if (c === 0x2b) [min, max] = [1, -1];
    else if (c === 0x3f) [min, max] = [0, 1];
    else if (c === 0x7b) {
      const r = this.scanBraces();
      if (!r) return undefined;
      [min, max] = [r.min, r.max];
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
        this.fail("invalid repeat count", this.fragment(r.start, r.end));
      }
      this.pos = r.end - 1;
    } else return undefined;
    this.pos++;
    let greedy = !flags.ungreedy;
    if (this.peek() === 0x3f) {
      this.pos++;
      greedy = !greedy;
    }
    return { min, max, greedy };
  }

  private scanBraces(): { min: number; max: number; start: number; end: number } | undefined {
    const start = this.pos;
    let i = this.pos + 1;
    const num = (): number | undefined => {
      const from = i;
      while (this.src[i] !== undefined && this.src[i]! >= 0x30 && this.src[i]! <= 0x39) i++;
      if (i === from || i - from > 8) return i === from ? undefined : Number.MAX_SAFE_INTEGER;
      return Number(this.fragment(from, i));
    };
    const min = num();
    if (min === undefined) return undefined;
    let max = min;
    if (this.src[i] === 0x2c) {
      i++;
      if (this.src[i] === 0x7d) max = -1;
      else {
        const m = num();
        if (m === undefined) return undefined;
        max = m;
      }
    }
    if (this.src[i] !== 0x7d) return undefined;
    return { min, max, start, end: i + 1 };
  }

  private parseAtom(flags: Flags, depth: number): ReNode[] | undefined {
    const c = this.peek()!;
    switch (c) {
      case 0x28: // (
        return this.parseGroup(flags, depth);
      case 0x5b: // [
        return [{ t: "class", cls: this.parseClass(flags) }];
      case 0x2e: // .
        this.pos++;
        return [{ t: "any", dotNL: flags.dotNL }];
      case 0x5e: // ^
        this.pos++;
        return [{ t: "assert", kind: flags.multiline ? "bol" : "bot" }];
      case 0x24: // $
        this.pos++;
        return [{ t: "assert", kind: flags.multiline ? "eol" : "eot" }];
      case 0x5c: // backslash
        return this.parseEscapeAtom(flags);
      default:
        this.pos++;
        return [{ t: "lit", cp: c, fold: flags.fold }];
    }
  }

  private parseGroup(flags: Flags, depth: number): ReNode[] | undefined {
    const start = this.pos;
    this.pos++;
    let capture = true;
    let name = "";
    const inner: Flags = { ...flags };
    if (this.peek() === 0x3f /* ? */) {
      const isNamed = (this.peek(1) === 0x50 && this.peek(2) === 0x3c) || this.peek(1) === 0x3c;
      if (isNamed) {
        this.pos += this.peek(1) === 0x50 ? 3 : 2;
        const nameStart = this.pos;
        while (this.pos < this.src.length && this.peek() !== 0x3e) this.pos++;
        if (this.pos >= this.src.length) this.fail("invalid named capture", this.fragment(start, this.src.length));
        name = this.fragment(nameStart);
        this.pos++;
        if (name === "" || ![...name].every((ch) => isWordAscii(ch.codePointAt(0)!))) {
          this.fail("invalid named capture", this.fragment(start));
        }
        if (this.names.includes(name)) this.fail("duplicate capture group name", this.fragment(start));
      } else {
        const done = this.parseFlags(start, inner);
        if (done === "set") {
          Object.assign(flags, inner);
          return undefined;
        }
        capture = false;
      }
    }
    let index = 0;
    if (capture) {
      index = this.numCaps++;
      this.names[index] = name;
    }
    const sub = this.parseAlt(inner, depth + 1);
    if (this.peek() !== 0x29) this.fail("missing closing )", this.text);
    this.pos++;
    return [capture ? { t: "cap", index, name, sub } : sub];
  }

  /** `(?flags)` sets flags for the rest of the group; `(?flags:` opens a non-capturing group. */
  private parseFlags(start: number, inner: Flags): "set" | "group" {
    this.pos++;
    let negate = false;
    let sawFlag = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("missing closing )", this.text);
      this.pos++;
      const ch = String.fromCodePoint(c);
      if (ch === ":" || ch === ")") {
        if (negate && !sawFlag) this.fail("invalid or unsupported Perl syntax", this.fragment(start));
        return ch === ")" ? "set" : "group";
      }
      if (ch === "-") {
        if (negate) this.fail("invalid or unsupported Perl syntax", this.fragment(start));
        negate = true;
        sawFlag = false;
        continue;
      }
      const key = { i: "fold", m: "multiline", s: "dotNL", U: "ungreedy" }[ch] as keyof Flags | undefined;
      if (!key) this.fail("invalid or unsupported Perl syntax", this.fragment(start));
      inner[key] = !negate;
      sawFlag = true;
    }
  }

  private parseEscapeAtom(flags: Flags): ReNode[] {
    const start = this.pos;
    const next = this.peek(1);
    if (next === undefined) this.fail("trailing backslash at end of expression", "");
    const ch = String.fromCodePoint(next);
    const asserts: Record<string, Assertion> = { A: "bot", z: "eot", b: "word", B: "nonword" };
    if (asserts[ch]) {
      this.pos += 2;
      return [{ t: "assert", kind: asserts[ch]! }];
    }
    if (ch === "Q") {
      this.pos += 2;
      const out: ReNode[] = [];
      while (this.pos < this.src.length) {
        if (this.peek() === 0x5c && this.peek(1) === 0x45) {
          this.pos += 2;
          break;
        }
        if (this.peek() === 0x5c && this.peek(1) === 0x5c) this.pos++;
        out.push({ t: "lit", cp: this.src[this.pos]!, fold: flags.fold });
        this.pos++;
      }
      return out;
    }
    const cls = this.tryClassEscape(flags);
    if (cls) return [{ t: "class", cls }];
    this.pos = start;
    return [{ t: "lit", cp: this.parseEscapedRune(), fold: flags.fold }];
  }

  /** \d \s \w (and negations) and \p{…} / \P{…}; undefined if the escape is not a class. */
  private tryClassEscape(flags: Flags): CharClass | undefined {
    const start = this.pos;
    const ch = String.fromCodePoint(this.peek(1)!);
    const lower = ch.toLowerCase();
    if (PERL_CLASSES[lower] && "dswDSW".includes(ch)) {
      this.pos += 2;
      return { ranges: PERL_CLASSES[lower]!, props: [], negated: ch !== lower, fold: false };
    }
    if (ch !== "p" && ch !== "P") return undefined;
    this.pos += 2;
    let name: string;
    if (this.peek() === 0x7b) {
      const close = this.src.indexOf(0x7d, this.pos);
      if (close < 0) this.fail("invalid character class range", this.fragment(start, this.src.length));
      name = this.fragment(this.pos + 1, close);
      this.pos = close + 1;
    } else {
      if (this.peek() === undefined) this.fail("invalid character class range", this.fragment(start));
      name = String.fromCodePoint(this.peek()!);
      this.pos++;
    }
    let negated = ch === "P";
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    const test = unicodeProperty(name);
    if (!test) this.fail("invalid character class range", this.fragment(start));
    return { ranges: [], props: [test], negated, fold: flags.fold };
  }

  /** A single escaped rune: \n, \x41, \x{263a}, \101, \. and friends. */
  private parseEscapedRune(): number {
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) this.fail("trailing backslash at end of expression", "");
    this.pos++;
    const ch = String.fromCodePoint(c);
    if (c >= 0x31 && c <= 0x37 && !(this.peek() !== undefined && this.peek()! >= 0x30 && this.peek()! <= 0x37)) {
      this.fail("invalid escape sequence", this.fragment(start));
    }
    if (c >= 0x30 && c <= 0x37) {
      let r = c - 0x30;
      for (let i = 1; i < 3; i++) {
        const d = this.peek();
        if (d === undefined || d < 0x30 || d > 0x37) break;
        r = r * 8 + d - 0x30;
        this.pos++;
      }
      return r;
    }
    if (ch === "x") {
      if (this.peek() === 0x7b) {
        this.pos++;
        let v = 0;
        let n = 0;
        while (isHex(this.peek())) {
          v = v * 16 + Number.parseInt(String.fromCodePoint(this.peek()!), 16);
          n++;
          this.pos++;
          if (v > MAX_RUNE) break;
        }
        if (n === 0 || this.peek() !== 0x7d || v > MAX_RUNE) this.fail("invalid escape sequence", this.fragment(start));
        this.pos++;
        return v;
      }
      if (!isHex(this.peek()) || !isHex(this.peek(1))) this.fail("invalid escape sequence", this.fragment(start, Math.min(this.pos + 2, this.src.length)));
      const v = Number.parseInt(this.fragment(this.pos, this.pos + 2), 16);
      this.pos += 2;
      return v;
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (simple[ch] !== undefined) return simple[ch]!;
    if (c < 0x80 && !isWordAscii(c)) return c;
    this.fail("invalid escape sequence", this.fragment(start));
  }

  private parseClass(flags: Flags): CharClass {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const props: Array<(cp: number) => boolean> = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("missing closing ]", this.fragment(start, this.src.length));
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === 0x5b && this.peek(1) === 0x3a) {
        const close = this.findPosixEnd();
        if (close >= 0) {
          let name = this.fragment(this.pos + 2, close);
          const itemStart = this.pos;
          this.pos = close + 2;
          let neg = false;
          if (name.startsWith("^")) {
            neg = true;
            name = name.slice(1);
          }
          const rs = POSIX_CLASSES[name];
          if (!rs) this.fail("invalid character class range", this.fragment(itemStart));
          ranges.push(...(neg ? complement(rs) : rs));
          continue;
        }
      }
      if (c === 0x5c) {
        const cls = this.peek(1) === undefined ? undefined : this.tryClassEscape(flags);
        if (cls) {
          if (cls.props.length > 0) {
            const [p] = cls.props;
            props.push(cls.negated ? (cp) => !p!(cp) : p!);
          } else ranges.push(...(cls.negated ? complement(cls.ranges) : cls.ranges));
          continue;
        }
      }
      const itemStart = this.pos;
      const lo = this.classRune();
      let hi = lo;
      if (this.peek() === 0x2d && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.pos++;
        hi = this.classRune();
        if (hi < lo) this.fail("invalid character class range", this.fragment(itemStart));
      }
      ranges.push([lo, hi]);
    }
    return { ranges, props, negated, fold: flags.fold };
  }

  private findPosixEnd(): number {
    for (let i = this.pos + 2; i + 1 < this.src.length; i++) {
      if (this.src[i] === 0x3a && this.src[i + 1] === 0x5d) return i;
      if (this.src[i] === 0x5d) return -1;
    }
    return -1;
  }

  private classRune(): number {
    const c = this.peek()!;
    if (c === 0x5c) {
      const next = this.peek(1);
      if (next !== undefined && "dswDSWpP".includes(String.fromCodePoint(next))) {
        this.fail("invalid character class range", this.fragment(this.pos, this.pos + 2));
      }
      return this.parseEscapedRune();
    }
    this.pos++;
    return c;
  }
}

export function parseRegexp(pattern: string): ParsedRegexp {
  const cps = Array.from(pattern, (ch) => ch.codePointAt(0)!);
  return new Parser(cps, pattern).parse();
}
