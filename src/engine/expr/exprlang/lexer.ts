/** expr-lang's lexer (github.com/expr-lang/expr parser/lexer), positions as UTF-16 indices. */
import { Fault } from "../errors.ts";

export type TokenKind = "Identifier" | "Number" | "String" | "Operator" | "Bracket" | "EOF";

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly position: number;
}

export function describeToken(t: Token): string {
  return `${t.kind}(${JSON.stringify(t.value)})`;
}

const SPACE = /^\p{White_Space}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

const isAlphabetic = (c: string): boolean => c === "_" || c === "$" || LETTER.test(c);
const isAlphaNumeric = (c: string): boolean => isAlphabetic(c) || DIGIT.test(c);

const WORD_OPERATORS = new Set(["in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let", "if", "else"]);
const NEGATABLE = new Set(["in", "matches", "contains", "startsWith", "endsWith"]);

class Lexer {
  private readonly chars: string[];
  private readonly offsets: number[];
  private pos = 0;
  private start = 0;
  readonly tokens: Token[] = [];

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

  private peek(k = 0): string | undefined {
    return this.chars[this.pos + k];
  }

  private next(): string | undefined {
    return this.chars[this.pos++];
  }

  private accept(valid: string): boolean {
    const c = this.peek();
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private word(): string {
    return this.chars.slice(this.start, this.pos).join("");
  }

  private emit(kind: TokenKind, value = this.word()): void {
    this.tokens.push({ kind, value, position: this.offsets[this.start]! });
    this.start = this.pos;
  }

  private fail(message: string, at = this.start): never {
    throw new Fault(message, this.offsets[Math.min(at, this.offsets.length - 1)]);
  }

  run(): Token[] {
    for (;;) {
      this.start = this.pos;
      const c = this.next();
      if (c === undefined) {
        this.pos = this.chars.length;
        this.start = this.pos;
        this.emit("EOF", "");
        return this.tokens;
      }
      if (SPACE.test(c)) continue;
      if (c === "'" || c === '"') this.emit("String", this.scanString(c));
      else if (c === "`") this.emit("String", this.scanRawString());
      else if (c >= "0" && c <= "9") {
        this.pos--;
        this.scanNumber();
      } else if (c === "?") {
        this.accept(".?");
        this.emit("Operator");
      } else if (c === "/") {
        if (this.accept("/")) {
          while (this.peek() !== undefined && this.peek() !== "\n") this.pos++;
        } else if (this.accept("*")) {
          for (;;) {
            const d = this.next();
            if (d === undefined) this.fail("unclosed comment");
            if (d === "*" && this.accept("/")) break;
          }
        } else this.emit("Operator");
      } else if (c === "|") {
        this.accept("|");
        this.emit("Operator");
      } else if ("([{)]}".includes(c)) this.emit("Bracket");
      else if ("#,:%+-^;".includes(c)) this.emit("Operator");
      else if ("&!=*<>".includes(c)) {
        this.accept("&=*");
        this.emit("Operator");
      } else if (c === ".") {
        if (this.peek() !== undefined && /[0-9]/.test(this.peek()!)) {
          this.pos--;
          this.scanNumber();
        } else {
          this.accept(".");
          this.emit("Operator");
        }
      } else if (isAlphaNumeric(c)) this.scanIdentifier();
      else this.fail(`unrecognized character: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} ${JSON.stringify(c)}`);
    }
  }

  private scanNumber(): void {
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    const beforeDot = this.pos;
    if (this.accept(".")) {
      // 1..2 is a range, not the float "1.".
      if (this.peek() === ".") {
        this.pos = beforeDot;
        this.emit("Number");
        return;
      }
      this.acceptRun(digits);
    }
    if (this.accept("eE")) {
      this.accept("+-");
      this.acceptRun(digits);
    }
    const after = this.peek();
    if (after !== undefined && isAlphaNumeric(after)) {
      this.pos++;
      this.fail(`bad number syntax: ${JSON.stringify(this.word())}`);
    }
    this.emit("Number");
  }

  private scanIdentifier(): void {
    while (this.peek() !== undefined && isAlphaNumeric(this.peek()!)) this.pos++;
    const w = this.word();
    if (w === "not") {
      this.emit("Operator");
      // "not in", "not matches", …: emit the following word as an operator too.
      while (this.peek() !== undefined && SPACE.test(this.peek()!)) this.pos++;
      this.start = this.pos;
      while (this.peek() !== undefined && isAlphaNumeric(this.peek()!)) this.pos++;
      if (NEGATABLE.has(this.word())) this.emit("Operator");
      else this.pos = this.start;
      return;
    }
    this.emit(WORD_OPERATORS.has(w) ? "Operator" : "Identifier");
  }

  /** A quoted string with Go-style escapes; newlines are not allowed inside. */
  private scanString(quote: string): string {
    let out = "";
    for (;;) {
      const c = this.next();
      if (c === undefined || c === "\n") this.fail("literal not terminated");
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      out += this.scanEscape(quote);
    }
  }

  private scanEscape(quote: string): string {
    const at = this.pos - 1;
    const c = this.next();
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };
    if (c === undefined) this.fail("literal not terminated");
    if (simple[c] !== undefined) return simple[c]!;
    if (c === quote) return c;
    const hex = (n: number): number => {
      let s = "";
      for (let i = 0; i < n; i++) {
        const d = this.next();
        if (d === undefined || !/[0-9a-fA-F]/.test(d)) this.fail("invalid char escape", at);
        s += d;
      }
      return Number.parseInt(s, 16);
    };
    if (c >= "0" && c <= "7") {
      let v = Number(c);
      for (let i = 0; i < 2; i++) {
        const d = this.next();
        if (d === undefined || d < "0" || d > "7") this.fail("invalid char escape", at);
        v = v * 8 + Number(d);
      }
      if (v > 255) this.fail("octal escape value > 255", at);
      return String.fromCharCode(v);
    }
    let cp: number;
    if (c === "x") cp = hex(2);
    else if (c === "u") cp = hex(4);
    else if (c === "U") cp = hex(8);
    else this.fail("invalid char escape", at);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail("escape sequence is invalid Unicode code point", at);
    return String.fromCodePoint(cp);
  }

  private scanRawString(): string {
    let out = "";
    for (;;) {
      const c = this.next();
      if (c === undefined) this.fail("literal not terminated");
      if (c === "`") return out;
      out += c;
    }
  }
}

export function lex(source: string): Token[] {
  return new Lexer(source).run();
}
