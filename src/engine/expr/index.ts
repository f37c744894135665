/**
 * Argo's three string languages, with Argo's semantics:
 *  - `{{…}}` substitution (renderTemplate, findPlaceholders, expandVars),
 *  - `{{=…}}` and retryStrategy.expression in expr-lang (evaluateExpr),
 *  - `when` in govaluate after substitution (evaluateWhen).
 * Every failure is an ExpressionError.
 */
export { ExpressionError } from "./errors.ts";
export { evaluateWhen } from "./govaluate.ts";
export { evaluateExpr } from "./expr-lang.ts";
export { expandVars, findPlaceholders, renderTemplate } from "./template.ts";
export type { NestedVars, Placeholder, RenderOptions } from "./template.ts";
