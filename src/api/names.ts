import { NameError } from "./errors.ts";

// dflow's variable-name table (reference/dflow-README.md §3.1.18).
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const STEP_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const IO_NAME = /^[a-zA-Z0-9_-]+$/;
export const TEMPLATE_NAME_MAX = 57;

export type NameKind = "workflow" | "template" | "step" | "task" | "parameter" | "artifact" | "key";

const RULES: Record<NameKind, { test: (n: string) => boolean; rule: string }> = {
  workflow: {
    test: (n) => RFC1123_SUBDOMAIN.test(n) && n.length <= TEMPLATE_NAME_MAX,
    rule: `a lowercase RFC 1123 subdomain (lower case alphanumerics, '-' or '.', starting and ending with an alphanumeric), at most ${TEMPLATE_NAME_MAX} characters`,
  },
  template: {
    test: (n) => RFC1123_SUBDOMAIN.test(n) && n.length <= TEMPLATE_NAME_MAX,
    rule: `a lowercase RFC 1123 subdomain (lower case alphanumerics, '-' or '.', starting and ending with an alphanumeric), at most ${TEMPLATE_NAME_MAX} characters`,
  },
  step: {
    test: (n) => STEP_NAME.test(n),
    rule: "alphanumerics or '-', starting with an alphanumeric",
  },
  task: {
    test: (n) => STEP_NAME.test(n),
    rule: "alphanumerics or '-', starting with an alphanumeric",
  },
  parameter: { test: (n) => IO_NAME.test(n), rule: "alphanumerics, '_' or '-'" },
  artifact: { test: (n) => IO_NAME.test(n), rule: "alphanumerics, '_' or '-'" },
  key: {
    test: (n) => RFC1123_SUBDOMAIN.test(n),
    rule: "a lowercase RFC 1123 subdomain (lower case alphanumerics, '-' or '.', starting and ending with an alphanumeric)",
  },
};

/** Throws a NameError naming the offending name and the rule it breaks. */
export function checkName(kind: NameKind, name: unknown, where?: string): string {
  if (typeof name !== "string" || !RULES[kind].test(name)) throw nameError(kind, name, where);
  return name;
}

/** A key may contain `{{…}}` references (rendered at run time); only its static parts are checked. */
export function checkKey(key: unknown, where?: string): string {
  if (typeof key !== "string" || !RULES.key.test(key.replace(/\{\{[^}]*\}\}/g, "0"))) {
    throw nameError("key", key, where);
  }
  return key;
}

function nameError(kind: NameKind, name: unknown, where?: string): NameError {
  const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
  const ctx = where ? ` in ${where}` : "";
  return new NameError(`invalid ${kind} name ${shown}${ctx}: must be ${RULES[kind].rule}`, shown, `${kind}-name`);
}

/** Turns any string into a valid template name (used for derived names). */
export function toTemplateName(s: string): string {
  const n = s
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, TEMPLATE_NAME_MAX)
    .replace(/[^a-z0-9]+$/, "");
  return n || "template";
}
