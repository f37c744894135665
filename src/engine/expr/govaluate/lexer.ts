/**
 * govaluate's tokenizer (github.com/Knetic/govaluate, the revision Argo pins), ported with its
 * quirks: bare words are VARIABLEs, a `.` inside a word makes an ACCESSOR, symbols are read
 * greedily up to the next space/alphanumeric, quoted strings end at either quote character, and
 * quoted strings that parse as a date become TIME tokens.
 */
import { Fault } from "../errors.ts";
import { formatFloatG } from "../go/strconv.ts";
import { GoRegexp } from "../re2/regexp.ts";
import { tryParseTime } from "./time.ts";

export type TokenKind =
  | "UNKNOWN"
  | "PREFIX"
  | "NUMERIC"
  | "BOOLEAN"
  | "STRING"
  | "PATTERN"
  | "TIME"
  | "VARIABLE"
  | "FUNCTION"
  | "SEPARATOR"
  | "ACCESSOR"
  | "COMPARATOR"
  | "LOGICALOP"
  | "MODIFIER"
  | "CLAUSE"
  | "CLAUSE_CLOSE"
  | "TERNARY";

export type TokenValue = number | boolean | string | readonly string[] | GoRegexp;

export interface Token {
  kind: TokenKind;
  value: TokenValue;
  /** UTF-16 index of the token's first character in the expression. */
  readonly position: number;
}

export const PREFIX_SYMBOLS = new Set(["-", "!", "~"]);
export const MODIFIER_SYMBOLS = new Set(["+", "-", "*", "/", "%", "**", "&", "|", "^", ">>", "<<"]);
export const LOGICAL_SYMBOLS = new Set(["&&", "||"]);
export const COMPARATOR_SYMBOLS = new Set(["==", "!=", ">", ">=", "<", "<=", "=~", "!~", "in"]);
export const TERNARY_SYMBOLS = new Set(["?", ":", "??"]);

/** Kinds that may follow each kind (govaluate's lexer states); also whether it may end. */
export const LEXER_STATES: Readonly<Record<TokenKind, { readonly eof: boolean; readonly next: readonly TokenKind[] }>> = {
  UNKNOWN: { eof: false, next: ["PREFIX", "NUMERIC", "BOOLEAN", "VARIABLE", "PATTERN", "FUNCTION", "ACCESSOR", "STRING", "TIME", "CLAUSE"] },
  CLAUSE: {
    eof: false,
    next: ["PREFIX", "NUMERIC", "BOOLEAN", "VARIABLE", "PATTERN", "FUNCTION", "ACCESSOR", "STRING", "TIME", "CLAUSE", "CLAUSE_CLOSE"],
  },
  CLAUSE_CLOSE: { eof: true, next: ["COMPARATOR", "MODIFIER", "CLAUSE_CLOSE", "LOGICALOP", "TERNARY", "SEPARATOR"] },
  NUMERIC: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"] },
  BOOLEAN: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"] },
  STRING: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"] },
  TIME: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "SEPARATOR"] },
  PATTERN: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "SEPARATOR"] },
  VARIABLE: { eof: true, next: ["MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"] },
  MODIFIER: { eof: false, next: ["PREFIX", "NUMERIC", "VARIABLE", "FUNCTION", "ACCESSOR", "STRING", "BOOLEAN", "CLAUSE"] },
  COMPARATOR: {
    eof: false,
    next: ["PREFIX", "NUMERIC", "BOOLEAN", "VARIABLE", "FUNCTION", "ACCESSOR", "STRING", "TIME", "CLAUSE", "PATTERN"],
  },
  LOGICALOP: { eof: false, next: ["PREFIX", "NUMERIC", "BOOLEAN", "VARIABLE", "FUNCTION", "ACCESSOR", "STRING", "TIME", "CLAUSE"] },
  PREFIX: { eof: false, next: ["NUMERIC", "BOOLEAN", "VARIABLE", "FUNCTION", "ACCESSOR", "CLAUSE"] },
  TERNARY: { eof: false, next: ["PREFIX", "NUMERIC", "BOOLEAN", "STRING", "TIME", "VARIABLE", "FUNCTION", "ACCESSOR", "CLAUSE", "SEPARATOR"] },
  FUNCTION: { eof: false, next: ["CLAUSE"] },
  ACCESSOR: { eof: true, next: ["CLAUSE", "MODIFIER", "COMPARATOR", "LOGICALOP", "CLAUSE_CLOSE", "TERNARY", "SEPARATOR"] },
  SEPARATOR: { eof: false, next: ["PREFIX", "NUMERIC", "BOOLEAN", "STRING", "TIME", "VARIABLE", "FUNCTION", "ACCESSOR", "CLAUSE"] },
};

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const SPACE = /^\p{White_Space}$/u;

const isLetter = (c: string): boolean => LETTER.test(c);
const isDigit = (c: string): boolean => DIGIT.test(c);
const isSpace = (c: string): boolean => SPACE.test(c);
const isNumeric = (c: string): boolean => isDigit(c) || c === ".";
const isNotQuote = (c: string): boolean => c !== "'" && c !== '"';
const isVariableName = (c: string): boolean => isLetter(c) || isDigit(c) || c === "_" || c === ".";
const isNotAlphanumeric = (c: string): boolean => !(isDigit(c) || isLetter(c) || c === "(" || c === ")" || c === "[" || c === "]" || !isNotQuote(c));

/** A rewindable stream of code points that remembers each one's UTF-16 offset. */
class Stream {
  private readonly chars: string[];
  private readonly offsets: number[];
  pos = 0;

  constructor(source: string) {
    this.chars = Array.from(source);
    this.offsets = [];
    let off = 0;
    for (const c of this.chars) {
      this.offsets.push(off);
      off += c.length;
    }
    this.offsets.push(off);
  }

  canRead(): boolean {
    return this.pos < this.chars.length;
  }

  read(): string {
    const c = this.chars[this.pos];
    // Go indexes past the end here and panics; report it as a syntax error instead.
    if (c === undefined) throw new Fault("unexpected end of expression", this.offset());
    this.pos++;
    return c;
  }

  rewind(n: number): void {
    this.pos -= n;
  }

  offset(at = this.pos): number {
    return this.offsets[Math.min(Math.max(at, 0), this.offsets.length - 1)]!;
  }
}

/**
 * Go's readUntilFalse: collect characters while `cond` holds. Whitespace is skipped unless
 * `includeWhitespace`; it ends a non-empty token when `breakWhitespace`. A backslash escapes
 * the next character. Returns the text and whether a terminating character was seen.
 */
function readUntilFalse(s: Stream, includeWhitespace: boolean, breakWhitespace: boolean, cond: (c: string) => boolean): [string, boolean] {
  let buf = "";
  while (s.canRead()) {
    let c = s.read();
    if (c === "\\") {
      c = s.read();
      buf += c;
      continue;
    }
    if (isSpace(c)) {
      if (breakWhitespace && buf.length > 0) return [buf, true];
      if (!includeWhitespace) continue;
    }
    if (cond(c)) buf += c;
    else {
      s.rewind(1);
      return [buf, true];
    }
  }
  return [buf, false];
}

function readTokenUntilFalse(s: Stream, cond: (c: string) => boolean): string {
  s.rewind(1);
  return readUntilFalse(s, false, true, cond)[0];
}

function canTransition(from: TokenKind, to: TokenKind): boolean {
  return LEXER_STATES[from].next.includes(to);
}

function readToken(s: Stream, state: TokenKind): Token | undefined {
  while (s.canRead()) {
    const start = s.offset();
    const c = s.read();
    if (isSpace(c)) continue;

    if (isNumeric(c)) {
      const text = readTokenUntilFalse(s, isNumeric);
      const v = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isNaN(v)) throw new Fault(`Unable to parse numeric value '${text}' to float64`, start);
      return { kind: "NUMERIC", value: v, position: start };
    }
    if (c === ",") return { kind: "SEPARATOR", value: ",", position: start };
    if (c === "[") {
      const [text, completed] = readUntilFalse(s, true, false, (x) => x !== "]");
      if (!completed) throw new Fault("Unclosed parameter bracket", start);
      s.rewind(-1);
      return { kind: "VARIABLE", value: text, position: start };
    }
    if (isLetter(c)) {
      const text = readTokenUntilFalse(s, isVariableName);
      if (text === "true" || text === "false") return { kind: "BOOLEAN", value: text === "true", position: start };
      if (text === "in" || text === "IN") return { kind: "COMPARATOR", value: "in", position: start };
      if (text.indexOf(".") > 0) {
        if (text.endsWith(".")) throw new Fault(`Hanging accessor on token '${text}'`, start);
        const splits = text.split(".");
        for (const part of splits.slice(1)) {
          const first = Array.from(part)[0] ?? "";
          if (first.toUpperCase() !== first) throw new Fault(`Unable to access unexported field '${part}' in token '${text}'`, start);
        }
        return { kind: "ACCESSOR", value: splits, position: start };
      }
      return { kind: "VARIABLE", value: text, position: start };
    }
    if (!isNotQuote(c)) {
      const [text, completed] = readUntilFalse(s, true, false, isNotQuote);
      if (!completed) throw new Fault("Unclosed string literal", start);
      s.rewind(-1);
      const t = tryParseTime(text);
      return t === undefined ? { kind: "STRING", value: text, position: start } : { kind: "TIME", value: t, position: start };
    }
    if (c === "(") return { kind: "CLAUSE", value: "(", position: start };
    if (c === ")") return { kind: "CLAUSE_CLOSE", value: ")", position: start };

    const sym = readTokenUntilFalse(s, isNotAlphanumeric);
    if (canTransition(state, "PREFIX") && PREFIX_SYMBOLS.has(sym)) return { kind: "PREFIX", value: sym, position: start };
    if (MODIFIER_SYMBOLS.has(sym)) return { kind: "MODIFIER", value: sym, position: start };
    if (LOGICAL_SYMBOLS.has(sym)) return { kind: "LOGICALOP", value: sym, position: start };
    if (COMPARATOR_SYMBOLS.has(sym)) return { kind: "COMPARATOR", value: sym, position: start };
    if (TERNARY_SYMBOLS.has(sym)) return { kind: "TERNARY", value: sym, position: start };
    throw new Fault(`Invalid token: '${sym}'`, start);
  }
  return undefined;
}

/** parseTokens: tokenize the whole expression and check that parentheses balance. */
export function tokenize(expression: string): Token[] {
  const s = new Stream(expression);
  const tokens: Token[] = [];
  let state: TokenKind = "UNKNOWN";
  while (s.canRead()) {
    const t = readToken(s, state);
    if (!t) break;
    state = t.kind;
    tokens.push(t);
  }
  checkBalance(tokens, expression.length);
  return tokens;
}

export function checkBalance(tokens: readonly Token[], end: number): void {
  let parens = 0;
  for (const t of tokens) {
    if (t.kind === "CLAUSE") parens++;
    else if (t.kind === "CLAUSE_CLOSE") parens--;
  }
  if (parens > 0) throw new Fault("unbalanced parenthesis: unexpected end", end);
  if (parens < 0) throw new Fault("Unbalanced parenthesis", tokens.find((t) => t.kind === "CLAUSE_CLOSE")?.position);
}

/** checkExpressionSyntax: every token must be a legal successor of the previous one. */
export function checkSyntax(tokens: readonly Token[], end: number): void {
  let state: TokenKind = "UNKNOWN";
  let last: Token | undefined;
  for (const t of tokens) {
    if (!canTransition(state, t.kind)) {
      if (last?.kind === "VARIABLE" && t.kind === "CLAUSE") throw new Fault(`Undefined function ${String(last.value)}`, last.position);
      const lastValue = last === undefined ? "<nil>" : describe(last);
      throw new Fault(`Cannot transition token types from ${state} [${lastValue}] to ${t.kind} [${describe(t)}]`, t.position);
    }
    state = t.kind;
    last = t;
  }
  if (!LEXER_STATES[state].eof) throw new Fault("unexpected end of expression", end);
}

/** The token value as Go's %v prints it in govaluate's messages. */
function describe(t: Token): string {
  if (typeof t.value === "number") return formatFloatG(t.value);
  if (t.value instanceof GoRegexp) return t.value.source;
  return Array.isArray(t.value) ? `[${t.value.join(" ")}]` : String(t.value);
}
