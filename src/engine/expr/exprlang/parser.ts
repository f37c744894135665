/**
 * expr-lang's Pratt parser (github.com/expr-lang/expr parser.go): precedence climbing with
 * chained comparisons, `not in`-style negated operators, pipes, `??`, ternaries, `let`,
 * `if … else`, predicates with `#`/`.field`, optional chaining and slices.
 */
import { LIMITS } from "../budget.ts";
import { Fault } from "../errors.ts";
import type { Node } from "./ast.ts";
import { describeToken, lex, type Token } from "./lexer.ts";
import { BUILTIN_NAMES, PREDICATE_BUILTINS } from "./names.ts";

interface OperatorInfo {
  readonly precedence: number;
  readonly right: boolean;
}

const UNARY: ReadonlyMap<string, number> = new Map([
  ["not", 50],
  ["!", 50],
  ["-", 90],
  ["+", 90],
]);

const BINARY: ReadonlyMap<string, OperatorInfo> = new Map(
  Object.entries({
    "|": 0,
    or: 10,
    "||": 10,
    and: 15,
    "&&": 15,
    "==": 20,
    "!=": 20,
    "<": 20,
    ">": 20,
    ">=": 20,
    "<=": 20,
    in: 20,
    matches: 20,
    contains: 20,
    startsWith: 20,
    endsWith: 20,
    "..": 25,
    "+": 30,
    "-": 30,
    "*": 60,
    "/": 60,
    "%": 60,
    "**": 100,
    "^": 100,
    "??": 500,
  }).map(([op, precedence]) => [op, { precedence, right: op === "**" || op === "^" }]),
);

const COMPARISONS = new Set(["<", ">", ">=", "<="]);
const NEGATABLE = new Set(["in", "matches", "contains", "startsWith", "endsWith"]);
const MAX_NODES = 10_000;

export interface ParseOptions {
  /** Names the environment defines; an env function of a builtin's name overrides the builtin. */
  readonly isDefined: (name: string) => boolean;
}

class Parser {
  private index = 0;
  private current: Token;
  private depth = 0;
  private nesting = 0;
  private nodes = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly options: ParseOptions,
  ) {
    this.current = tokens[0]!;
  }

  private is(kind: Token["kind"], ...values: string[]): boolean {
    return this.current.kind === kind && (values.length === 0 || values.includes(this.current.value));
  }

  private next(): void {
    if (this.index + 1 >= this.tokens.length) throw new Fault("unexpected end of expression", this.current.position);
    this.current = this.tokens[++this.index]!;
  }

  private expect(kind: Token["kind"], ...values: string[]): void {
    if (!this.is(kind, ...values)) this.unexpected();
    this.next();
  }

  private unexpected(token = this.current): never {
    if (token.kind === "EOF") throw new Fault("unexpected end of expression", token.position);
    throw new Fault(`unexpected token ${describeToken(token)}`, token.position);
  }

  private node(n: Node): Node {
    if (++this.nodes > MAX_NODES) throw new Fault("compilation failed: expression exceeds maximum allowed nodes", n.pos);
    return n;
  }

  parse(): Node {
    const node = this.parseSequence();
    if (!this.is("EOF")) this.unexpected();
    return node;
  }

  private parseSequence(): Node {
    const nodes = [this.parseExpression(0)];
    while (this.is("Operator", ";")) {
      this.next();
      if (this.is("EOF")) break;
      nodes.push(this.parseExpression(0));
    }
    return nodes.length === 1 ? nodes[0]! : this.node({ k: "sequence", nodes, pos: nodes[0]!.pos });
  }

  private parseExpression(precedence: number): Node {
    if (++this.nesting > LIMITS.depth) throw new Fault("expression nests too deeply", this.current.position);
    try {
      return this.parseExpressionInner(precedence);
    } finally {
      this.nesting--;
    }
  }

  private parseExpressionInner(precedence: number): Node {
    if (precedence === 0 && this.is("Operator", "let")) return this.parseLet();
    if (precedence === 0 && this.is("Operator", "if")) return this.parseIf();

    let left = this.parsePrimary();
    let prev = "";
    let op = this.current;
    while (op.kind === "Operator") {
      let negate: Token | undefined;
      if (op.value === "not") {
        const save = this.index;
        this.next();
        const info = BINARY.get(this.current.value);
        if (!NEGATABLE.has(this.current.value)) this.unexpected();
        if (!info || info.precedence < precedence) {
          this.index = save;
          this.current = this.tokens[save]!;
          break;
        }
        negate = op;
        op = this.current;
      }
      const info = BINARY.get(op.value);
      if (!info || info.precedence < precedence) break;
      this.next();
      if (op.value === "|") {
        const ident = this.current;
        this.expect("Identifier");
        left = this.parseCall(ident, [left]);
      } else {
        if (prev === "??" && op.value !== "??") {
          throw new Fault(`Operator (${op.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`, op.position);
        }
        if (COMPARISONS.has(op.value)) left = this.parseComparison(left, op, info.precedence);
        else {
          const right = this.parseExpression(info.right ? info.precedence : info.precedence + 1);
          left = this.node({ k: "binary", op: op.value, left, right, pos: op.position });
          if (negate) left = this.node({ k: "unary", op: "not", node: left, pos: negate.position });
        }
      }
      prev = op.value;
      op = this.current;
    }
    return precedence === 0 ? this.parseConditional(left) : left;
  }

  /** `1 < x < 3` means `1 < x && x < 3`. */
  private parseComparison(left: Node, token: Token, precedence: number): Node {
    let root: Node | undefined;
    let lhs = left;
    let op = token;
    for (;;) {
      const rhs = this.parseExpression(precedence + 1);
      const cmp = this.node({ k: "binary", op: op.value, left: lhs, right: rhs, pos: op.position });
      root = root ? this.node({ k: "binary", op: "&&", left: root, right: cmp, pos: op.position }) : cmp;
      lhs = rhs;
      if (!(this.current.kind === "Operator" && COMPARISONS.has(this.current.value))) break;
      op = this.current;
      this.next();
    }
    return root;
  }

  private parseLet(): Node {
    const pos = this.current.position;
    this.expect("Operator", "let");
    const name = this.current.value;
    this.expect("Identifier");
    this.expect("Operator", "=");
    const value = this.parseExpression(0);
    this.expect("Operator", ";");
    const body = this.parseSequence();
    return this.node({ k: "let", name, value, body, pos });
  }

  private parseIf(): Node {
    const pos = this.current.position;
    this.next();
    const cond = this.parseExpression(0);
    this.expect("Bracket", "{");
    const then = this.parseSequence();
    this.expect("Bracket", "}");
    this.expect("Operator", "else");
    let otherwise: Node;
    if (this.is("Operator", "if")) otherwise = this.parseIf();
    else {
      this.expect("Bracket", "{");
      otherwise = this.parseSequence();
      this.expect("Bracket", "}");
    }
    return this.node({ k: "conditional", cond, then, otherwise, pos });
  }

  private parseConditional(node: Node): Node {
    let cond = node;
    while (this.is("Operator", "?")) {
      const pos = this.current.position;
      this.next();
      let then: Node;
      let otherwise: Node;
      if (!this.is("Operator", ":")) {
        then = this.parseExpression(0);
        this.expect("Operator", ":");
        otherwise = this.parseExpression(0);
      } else {
        this.next();
        then = cond;
        otherwise = this.parseExpression(0);
      }
      cond = this.node({ k: "conditional", cond, then, otherwise, pos });
    }
    return cond;
  }

  private parsePrimary(): Node {
    const token = this.current;
    if (token.kind === "Operator") {
      const precedence = UNARY.get(token.value);
      if (precedence !== undefined) {
        this.next();
        const operand = this.parseExpression(precedence);
        return this.parsePostfix(this.node({ k: "unary", op: token.value, node: operand, pos: token.position }));
      }
    }
    if (this.is("Bracket", "(")) {
      this.next();
      const inner = this.parseSequence();
      this.expect("Bracket", ")");
      return this.parsePostfix(inner);
    }
    if (this.depth > 0 && (this.is("Operator", "#") || this.is("Operator", "."))) {
      let name = "";
      if (this.is("Operator", "#")) {
        this.next();
        if (this.is("Identifier")) {
          name = this.current.value;
          this.next();
        }
      }
      return this.parsePostfix(this.node({ k: "pointer", name, pos: token.position }));
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const token = this.current;
    let node: Node;
    switch (token.kind) {
      case "Identifier":
        this.next();
        if (token.value === "true" || token.value === "false") return this.node({ k: "bool", value: token.value === "true", pos: token.position });
        if (token.value === "nil") return this.node({ k: "nil", pos: token.position });
        node = this.is("Bracket", "(") ? this.parseCall(token, []) : this.node({ k: "ident", name: token.value, pos: token.position });
        break;
      case "Number":
        this.next();
        return this.node(numberNode(token));
      case "String":
        this.next();
        node = this.node({ k: "string", value: token.value, pos: token.position });
        break;
      default:
        if (this.is("Bracket", "[")) node = this.parseArray();
        else if (this.is("Bracket", "{")) node = this.parseMap();
        else this.unexpected();
    }
    return this.parsePostfix(node);
  }

  private parseCall(token: Token, args: Node[]): Node {
    const name = token.value;
    const overridden = this.options.isDefined(name);
    const shape = PREDICATE_BUILTINS.get(name);
    if (shape && !overridden) {
      this.expect("Bracket", "(");
      const rest = shape.slice(args.length);
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i]!;
        if (this.is("Bracket", ")")) {
          if (arg.endsWith("?")) break;
          throw new Fault(`expected at least ${rest.length} arguments`, this.current.position);
        }
        if (i > 0) this.expect("Operator", ",");
        args.push(arg.startsWith("predicate") ? this.parsePredicate() : this.parseExpression(0));
      }
      if (this.is("Operator", ",")) this.next();
      this.expect("Bracket", ")");
      return this.node({ k: "builtin", name, args, pos: token.position });
    }
    if (BUILTIN_NAMES.has(name) && !overridden) {
      return this.node({ k: "builtin", name, args: this.parseArguments(args), pos: token.position });
    }
    const callee = this.node({ k: "ident", name, pos: token.position });
    return this.node({ k: "call", callee, args: this.parseArguments(args), pos: token.position });
  }

  private parseArguments(args: Node[]): Node[] {
    const offset = args.length;
    this.expect("Bracket", "(");
    while (!this.is("Bracket", ")")) {
      if (args.length > offset) {
        this.expect("Operator", ",");
        if (this.is("Bracket", ")")) break;
      }
      args.push(this.parseExpression(0));
    }
    this.expect("Bracket", ")");
    return args;
  }

  private parsePredicate(): Node {
    const pos = this.current.position;
    const brackets = this.is("Bracket", "{");
    if (brackets) this.next();
    this.depth++;
    let body: Node;
    if (brackets) body = this.parseSequence();
    else {
      body = this.parseExpression(0);
      if (this.is("Operator", ";")) throw new Fault("wrap predicate with brackets { and }", this.current.position);
    }
    this.depth--;
    if (brackets) this.expect("Bracket", "}");
    return this.node({ k: "predicate", node: body, pos });
  }

  private parseArray(): Node {
    const pos = this.current.position;
    const items: Node[] = [];
    this.expect("Bracket", "[");
    while (!this.is("Bracket", "]")) {
      if (items.length > 0) {
        this.expect("Operator", ",");
        if (this.is("Bracket", "]")) break;
      }
      items.push(this.parseExpression(0));
    }
    this.expect("Bracket", "]");
    return this.node({ k: "array", items, pos });
  }

  private parseMap(): Node {
    const pos = this.current.position;
    const pairs: { key: Node; value: Node }[] = [];
    this.expect("Bracket", "{");
    while (!this.is("Bracket", "}")) {
      if (pairs.length > 0) {
        this.expect("Operator", ",");
        if (this.is("Bracket", "}")) break;
        if (this.is("Operator", ",")) this.unexpected();
      }
      let key: Node;
      if (this.is("Number") || this.is("String") || this.is("Identifier")) {
        key = this.node({ k: "string", value: this.current.value, pos: this.current.position });
        this.next();
      } else if (this.is("Bracket", "(")) key = this.parseExpression(0);
      else {
        throw new Fault(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describeToken(this.current)})`,
          this.current.position,
        );
      }
      this.expect("Operator", ":");
      pairs.push({ key, value: this.parseExpression(0) });
    }
    this.expect("Bracket", "}");
    return this.node({ k: "map", pairs, pos });
  }

  private parsePostfix(start: Node): Node {
    let node = start;
    for (;;) {
      const token = this.current;
      if (token.kind !== "Operator" && token.kind !== "Bracket") return node;
      let optional = token.value === "?.";
      if (token.value === "." || token.value === "?.") {
        this.next();
        if (optional && this.is("Bracket", "[")) {
          node = this.parseIndex(node, true);
          continue;
        }
        const prop = this.current;
        this.next();
        if (prop.kind !== "Identifier" && !(prop.kind === "Operator" && /^[\p{L}_$][\p{L}\p{Nd}_$]*$/u.test(prop.value))) {
          throw new Fault("expected name", prop.position);
        }
        const property = this.node({ k: "string", value: prop.value, pos: prop.position });
        const isChain = node.k === "chain";
        const base = node.k === "chain" ? node.node : node;
        const member = this.node({ k: "member", node: base, property, optional, pos: prop.position });
        node = this.is("Bracket", "(") ? this.node({ k: "call", callee: member, args: this.parseArguments([]), pos: prop.position }) : member;
        if (isChain || optional) node = this.node({ k: "chain", node, pos: prop.position });
      } else if (token.value === "[") {
        optional = false;
        node = this.parseIndex(node, optional);
      } else return node;
    }
  }

  /** `[i]`, `[a:b]`, `[:b]`, `[a:]`, `[:]` — the cursor is on the `[`. */
  private parseIndex(node: Node, optional: boolean): Node {
    const pos = this.current.position;
    this.next();
    if (this.is("Operator", ":")) {
      this.next();
      const to = this.is("Bracket", "]") ? undefined : this.parseExpression(0);
      this.expect("Bracket", "]");
      return this.node({ k: "slice", node, from: undefined, to, pos });
    }
    const from = this.parseExpression(0);
    if (this.is("Operator", ":")) {
      this.next();
      const to = this.is("Bracket", "]") ? undefined : this.parseExpression(0);
      this.expect("Bracket", "]");
      return this.node({ k: "slice", node, from, to, pos });
    }
    this.expect("Bracket", "]");
    const member = this.node({ k: "member", node, property: from, optional, pos });
    return optional ? this.node({ k: "chain", node: member, pos }) : member;
  }
}

function numberNode(token: Token): Node {
  const raw = token.value.replaceAll("_", "");
  const lower = raw.toLowerCase();
  const pos = token.position;
  const int = (text: string, what: string): Node => {
    let v: bigint;
    try {
      v = BigInt(text);
    } catch {
      throw new Fault(`invalid ${what} literal`, pos);
    }
    if (v > 2n ** 63n - 1n) throw new Fault(`invalid ${what} literal: value out of range`, pos);
    return { k: "int", value: v, pos };
  };
  if (lower.startsWith("0x")) return int(lower, "hex");
  if (lower.includes(".") || lower.includes("e")) {
    const v = Number(raw);
    if (Number.isNaN(v)) throw new Fault("invalid float literal", pos);
    if (!Number.isFinite(v)) throw new Fault("float literal is too large", pos);
    return { k: "float", value: v, pos };
  }
  if (lower.startsWith("0b")) return int(lower, "binary");
  if (lower.startsWith("0o")) return int(lower, "octal");
  return int(raw, "integer");
}

export function parseExpr(source: string, options: ParseOptions): Node {
  if (source.length > LIMITS.source) throw new Fault(`expression longer than ${LIMITS.source} characters`);
  return new Parser(lex(source), options).parse();
}
