// The engine's single door to the expression evaluators (src/engine/expr, Argo's `{{…}}`, govaluate
// `when` and expr-lang `{{=…}}`).
export { ExpressionError, evaluateExpr, evaluateWhen, expandVars, findPlaceholders, renderTemplate } from "./expr/index.ts";
