/** Go's regexp API (the parts Argo's languages reach) over the linear-time Pike VM. */
import type { Budget } from "../budget.ts";
import { compile, execute, type Program } from "./program.ts";
import { parseRegexp } from "./parse.ts";

interface Subject {
  readonly chars: readonly string[];
  readonly cps: readonly number[];
}

function subject(s: string): Subject {
  const chars = Array.from(s);
  return { chars, cps: chars.map((c) => c.codePointAt(0)!) };
}

export class GoRegexp {
  private static readonly cache = new Map<string, GoRegexp>();

  private constructor(
    readonly source: string,
    private readonly program: Program,
    readonly names: readonly string[],
  ) {}

  /** regexp.Compile; throws a Fault with Go's message on a syntax error. */
  static compile(pattern: string): GoRegexp {
    const hit = GoRegexp.cache.get(pattern);
    if (hit) return hit;
    const parsed = parseRegexp(pattern);
    const re = new GoRegexp(pattern, compile(parsed.root, parsed.numCaps), parsed.names);
    if (GoRegexp.cache.size > 256) GoRegexp.cache.clear();
    GoRegexp.cache.set(pattern, re);
    return re;
  }

  test(s: string, budget: Budget): boolean {
    return execute(this.program, subject(s).cps, 0, budget) !== undefined;
  }

  /** FindString: the leftmost match, or "" when there is none. */
  find(s: string, budget: Budget): string | undefined {
    const subj = subject(s);
    const m = execute(this.program, subj.cps, 0, budget);
    return m ? subj.chars.slice(m[0]!, m[1]!).join("") : undefined;
  }

  /** FindAllStringSubmatchIndex in code points; n < 0 means all. */
  private all(subj: Subject, n: number, budget: Budget): Int32Array[] {
    const out: Int32Array[] = [];
    const end = subj.cps.length;
    let prevEnd = -1;
    for (let pos = 0; (n < 0 || out.length < n) && pos <= end; ) {
      const m = execute(this.program, subj.cps, pos, budget);
      if (!m) break;
      let accept = true;
      if (m[1] === pos) {
        if (m[0] === prevEnd) accept = false;
        pos++;
      } else pos = m[1]!;
      prevEnd = m[1]!;
      if (accept) out.push(m);
    }
    return out;
  }

  findAll(s: string, n: number, budget: Budget): string[] {
    const subj = subject(s);
    return this.all(subj, n, budget).map((m) => subj.chars.slice(m[0]!, m[1]!).join(""));
  }

  /** ReplaceAllString (with $1 / ${name} expansion) or ReplaceAllLiteralString. */
  replaceAll(s: string, repl: string, literal: boolean, budget: Budget): string {
    const subj = subject(s);
    const end = subj.cps.length;
    let out = "";
    let lastEnd = 0;
    let search = 0;
    while (search <= end) {
      const m = execute(this.program, subj.cps, search, budget);
      if (!m) break;
      out += subj.chars.slice(lastEnd, m[0]!).join("");
      if (m[1]! > lastEnd || m[0] === 0) out += literal ? repl : this.expand(repl, subj, m);
      budget.string(out.length);
      lastEnd = m[1]!;
      search = search + 1 > m[1]! ? search + 1 : m[1]!;
    }
    return out + subj.chars.slice(lastEnd).join("");
  }

  /** Regexp.Expand: $1, ${1}, $name, ${name}, $$. */
  private expand(template: string, subj: Subject, m: Int32Array): string {
    let out = "";
    let t = template;
    const group = (i: number): string => (2 * i + 1 < m.length && m[2 * i]! >= 0 ? subj.chars.slice(m[2 * i]!, m[2 * i + 1]!).join("") : "");
    for (;;) {
      const d = t.indexOf("$");
      if (d < 0) break;
      out += t.slice(0, d);
      t = t.slice(d + 1);
      if (t.startsWith("$")) {
        out += "$";
        t = t.slice(1);
        continue;
      }
      const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
      if (!ref) {
        out += "$";
        continue;
      }
      t = t.slice(ref[0].length);
      const name = ref[1] ?? ref[2]!;
      if (/^(?:0|[1-9][0-9]{0,7})$/.test(name)) out += group(Number(name));
      else {
        const i = this.names.indexOf(name);
        if (i > 0) out += group(i);
      }
    }
    return out + t;
  }

  /** Regexp.Split. */
  split(s: string, n: number, budget: Budget): string[] {
    if (n === 0) return [];
    if (this.source.length > 0 && s.length === 0) return [""];
    const subj = subject(s);
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.all(subj, n, budget)) {
      if (n > 0 && out.length === n - 1) break;
      end = m[0]!;
      if (m[1] !== 0) out.push(subj.chars.slice(beg, end).join(""));
      beg = m[1]!;
    }
    if (end !== subj.chars.length) out.push(subj.chars.slice(beg).join(""));
    return out;
  }
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}
