/**
 * govaluate's stage planner, ported literally: each precedence level parses right-recursively
 * and `reorderStages` then mirrors runs of equal precedence to make them left-associative. Like
 * the original it stops at the first token it cannot use and ignores what follows.
 */
import { Fault } from "../errors.ts";
import type { Token, TokenKind } from "./lexer.ts";
import {
  customStage,
  type GValue,
  literalStage,
  makeStage,
  type Stage,
  type Sym,
  TYPEERROR_COMPARATOR,
  TYPEERROR_LOGICAL,
  TYPEERROR_MODIFIER,
  TYPEERROR_PREFIX,
  TYPEERROR_TERNARY,
} from "./stages.ts";

class TokenStream {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly end: number,
  ) {}

  hasNext(): boolean {
    return this.index < this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.index++];
    if (!t) throw new Fault("unexpected end of expression", this.end);
    return t;
  }

  rewind(): void {
    this.index--;
  }
}

type Precedent = (s: TokenStream) => Stage | undefined;

interface Level {
  readonly symbols: ReadonlyMap<string, Sym>;
  readonly kinds: readonly TokenKind[];
  readonly typeErrorFormat: string;
  readonly next?: Precedent;
  readonly nextRight?: Precedent;
}

function planLevel(level: Level): Precedent {
  const self: Precedent = (stream) => {
    const left = level.next ? level.next(stream) : undefined;
    while (stream.hasNext()) {
      const token = stream.next();
      if (!level.kinds.includes(token.kind) || typeof token.value !== "string") break;
      const symbol = level.symbols.get(token.value);
      if (!symbol) break;
      const right = (level.nextRight ?? self)(stream);
      return makeStage(symbol, level.typeErrorFormat, token.position, left, right);
    }
    // Unconditional, as in govaluate: at the end of input this steps back onto the last token.
    stream.rewind();
    return left;
  };
  return self;
}

const m = (entries: Record<string, Sym>): ReadonlyMap<string, Sym> => new Map(Object.entries(entries));

function planValue(stream: TokenStream): Stage | undefined {
  const token = stream.next();
  switch (token.kind) {
    case "CLAUSE": {
      const inner = planTokens(stream);
      stream.next();
      // Parentheses become a NOOP stage, which breaks chains of equal precedence.
      return customStage("NOOP", (_l, r) => r, token.position, inner);
    }
    case "CLAUSE_CLOSE":
      stream.rewind();
      return undefined;
    case "VARIABLE": {
      const name = token.value as string;
      return customStage(
        "VALUE",
        () => {
          throw new Fault(`No parameter '${name}' found.`, token.position);
        },
        token.position,
      );
    }
    case "NUMERIC":
    case "STRING":
    case "PATTERN":
    case "BOOLEAN":
    case "TIME":
      return literalStage(token.value as GValue, token.position);
    case "PREFIX":
      stream.rewind();
      return planPrefix(stream);
  }
  throw new Fault(`Unable to plan token kind: '${token.kind}', value: '${String(token.value)}'`, token.position);
}

function planAccessor(stream: TokenStream): Stage | undefined {
  if (!stream.hasNext()) return undefined;
  const token = stream.next();
  if (token.kind !== "ACCESSOR") {
    stream.rewind();
    return planValue(stream);
  }
  let right: Stage | undefined;
  if (stream.hasNext()) {
    const other = stream.next();
    stream.rewind();
    if (other.kind === "CLAUSE") right = planTokens(stream);
  }
  const [head] = token.value as readonly string[];
  // Argo evaluates with no parameters at all, so every accessor fails at run time.
  return customStage(
    "ACCESS",
    () => {
      throw new Fault(`No parameter '${head}' found.`, token.position);
    },
    token.position,
    right,
  );
}

/** Functions are never defined in Argo's `when`, so FUNCTION tokens cannot occur. */
const planFunction: Precedent = (stream) => planAccessor(stream);

const planPrefix = planLevel({
  symbols: m({ "-": "NEGATE", "!": "INVERT", "~": "BITWISE_NOT" }),
  kinds: ["PREFIX"],
  typeErrorFormat: TYPEERROR_PREFIX,
  nextRight: planFunction,
});
const planExponential = planLevel({ symbols: m({ "**": "EXPONENT" }), kinds: ["MODIFIER"], typeErrorFormat: TYPEERROR_MODIFIER, next: planFunction });
const planMultiplicative = planLevel({
  symbols: m({ "*": "MULTIPLY", "/": "DIVIDE", "%": "MODULUS" }),
  kinds: ["MODIFIER"],
  typeErrorFormat: TYPEERROR_MODIFIER,
  next: planExponential,
});
const planAdditive = planLevel({ symbols: m({ "+": "PLUS", "-": "MINUS" }), kinds: ["MODIFIER"], typeErrorFormat: TYPEERROR_MODIFIER, next: planMultiplicative });
const planShift = planLevel({
  symbols: m({ ">>": "BITWISE_RSHIFT", "<<": "BITWISE_LSHIFT" }),
  kinds: ["MODIFIER"],
  typeErrorFormat: TYPEERROR_MODIFIER,
  next: planAdditive,
});
const planBitwise = planLevel({
  symbols: m({ "^": "BITWISE_XOR", "&": "BITWISE_AND", "|": "BITWISE_OR" }),
  kinds: ["MODIFIER"],
  typeErrorFormat: TYPEERROR_MODIFIER,
  next: planShift,
});
const planComparator = planLevel({
  symbols: m({ "==": "EQ", "!=": "NEQ", ">": "GT", ">=": "GTE", "<": "LT", "<=": "LTE", "=~": "REQ", "!~": "NREQ", in: "IN" }),
  kinds: ["COMPARATOR"],
  typeErrorFormat: TYPEERROR_COMPARATOR,
  next: planBitwise,
});
const planLogicalAnd = planLevel({ symbols: m({ "&&": "AND" }), kinds: ["LOGICALOP"], typeErrorFormat: TYPEERROR_LOGICAL, next: planComparator });
const planLogicalOr = planLevel({ symbols: m({ "||": "OR" }), kinds: ["LOGICALOP"], typeErrorFormat: TYPEERROR_LOGICAL, next: planLogicalAnd });
const planTernary = planLevel({
  symbols: m({ "?": "TERNARY_TRUE", ":": "TERNARY_FALSE", "??": "COALESCE" }),
  kinds: ["TERNARY"],
  typeErrorFormat: TYPEERROR_TERNARY,
  next: planLogicalOr,
});
const planSeparator = planLevel({ symbols: m({ ",": "SEPARATE" }), kinds: ["SEPARATOR"], typeErrorFormat: "", next: planTernary });

function planTokens(stream: TokenStream): Stage | undefined {
  if (!stream.hasNext()) return undefined;
  return planSeparator(stream);
}

const PRECEDENCE: Record<Sym, number> = {
  NOOP: 0,
  VALUE: 1,
  LITERAL: 1,
  FUNCTIONAL: 2,
  ACCESS: 2,
  NEGATE: 3,
  INVERT: 3,
  BITWISE_NOT: 3,
  EXPONENT: 4,
  PLUS: 5,
  MINUS: 5,
  BITWISE_AND: 6,
  BITWISE_OR: 6,
  BITWISE_XOR: 6,
  BITWISE_LSHIFT: 7,
  BITWISE_RSHIFT: 7,
  MULTIPLY: 8,
  DIVIDE: 8,
  MODULUS: 8,
  EQ: 9,
  NEQ: 9,
  GT: 9,
  LT: 9,
  GTE: 9,
  LTE: 9,
  REQ: 9,
  NREQ: 9,
  IN: 9,
  TERNARY_TRUE: 10,
  TERNARY_FALSE: 10,
  COALESCE: 10,
  AND: 11,
  OR: 12,
  SEPARATE: 13,
};

function swapWith(a: Stage, b: Stage): void {
  const t = { ...b };
  for (const s of [
    [b, a],
    [a, t],
  ] as const) {
    s[0].symbol = s[1].symbol;
    s[0].operator = s[1].operator;
    s[0].leftCheck = s[1].leftCheck;
    s[0].rightCheck = s[1].rightCheck;
    s[0].combinedCheck = s[1].combinedCheck;
    s[0].typeErrorFormat = s[1].typeErrorFormat;
    s[0].position = s[1].position;
  }
}

function mirrorStageSubtree(stages: Stage[]): void {
  const n = stages.length;
  for (const s of stages) [s.left, s.right] = [s.right, s.left];
  const root = stages[0]!;
  const end = stages[n - 1]!;
  [end.left, root.right] = [root.right, end.left];
  for (let i = 0; i < Math.floor((n - 2) / 2) + 1; i++) {
    const front = stages[i + 1]!;
    const inverse = stages[n - i - 1]!;
    [front.right, inverse.right] = [inverse.right, front.right];
  }
  for (let i = 0; i < Math.floor(n / 2); i++) swapWith(stages[i]!, stages[n - i - 1]!);
}

function reorderStages(root: Stage): void {
  let same: Stage[] = [];
  let next: Stage | undefined = root;
  let precedence = PRECEDENCE[root.symbol];
  while (next) {
    const current: Stage = next;
    next = current.right;
    if (current.left) reorderStages(current.left);
    const p = PRECEDENCE[current.symbol];
    if (p === precedence) {
      same.push(current);
      continue;
    }
    if (same.length > 1) mirrorStageSubtree(same);
    same = [current];
    precedence = p;
  }
  if (same.length > 1) mirrorStageSubtree(same);
}

export function planStages(tokens: readonly Token[], end: number): Stage | undefined {
  const stage = planTokens(new TokenStream(tokens, end));
  if (stage) reorderStages(stage);
  return stage;
}
