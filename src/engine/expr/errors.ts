/**
 * The one exception type of the expression languages. Every failure (syntax, type, evaluation,
 * budget) surfaces as an ExpressionError naming the offending expression and, when known, the
 * 0-based position (UTF-16 index into `expression`) where the problem was found.
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "ExpressionError";
  }
}

/**
 * Internal failure raised deep inside lexers, parsers and evaluators, before the caller knows how
 * to phrase the public message. Public entry points convert it into an ExpressionError.
 */
export class Fault extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "Fault";
  }
}

/** Quote an expression for a message the way Go's %q would, keeping messages one line. */
export function quoteForMessage(expression: string): string {
  const max = 200;
  const shown = expression.length > max ? `${expression.slice(0, max)}…` : expression;
  return JSON.stringify(shown);
}

/**
 * Run `body`, turning any thrown value into an ExpressionError whose message starts with
 * `prefix` (e.g. `cannot parse when-expression "a == (b"`). Native errors such as stack
 * overflows are converted as well, so callers only ever see ExpressionError.
 */
export function guard<T>(expression: string, prefix: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw toExpressionError(e, expression, prefix);
  }
}

export function toExpressionError(e: unknown, expression: string, prefix: string): ExpressionError {
  if (e instanceof ExpressionError) return e;
  if (e instanceof Fault) {
    const at = e.position === undefined ? "" : ` at position ${e.position}`;
    return new ExpressionError(`${prefix}: ${e.message}${at}`, expression, e.position);
  }
  if (e instanceof RangeError) {
    return new ExpressionError(`${prefix}: expression too complex (${e.message})`, expression);
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new ExpressionError(`${prefix}: internal error: ${detail}`, expression);
}
