import type { StandardSchemaV1 } from "./standard-schema.ts";

/** Parameters travel as text (Argo): strings as they are, anything else JSON-encoded (as dflow does). */
export function encodeParam(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export type Checked = { ok: true; value: unknown } | { ok: false; message: string };

function issuesText(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .map((i) => {
      const path = (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

function preview(value: unknown): string {
  const s = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Validates a value; `undefined` result means the schema only validates asynchronously. */
export function checkSync(schema: StandardSchemaV1, value: unknown): Checked | undefined {
  const r = schema["~standard"].validate(value);
  if (r instanceof Promise) return undefined;
  return r.issues ? { ok: false, message: `${issuesText(r.issues)} (received ${preview(value)})` } : { ok: true, value: r.value };
}

export async function check(schema: StandardSchemaV1, value: unknown): Promise<Checked> {
  const r = await schema["~standard"].validate(value);
  return r.issues ? { ok: false, message: `${issuesText(r.issues)} (received ${preview(value)})` } : { ok: true, value: r.value };
}

/**
 * Decodes a parameter's text: the raw text if the schema takes a string, else its JSON value.
 * The failure message is the schema's, about the JSON value when the text is JSON.
 */
export async function decodeParam(schema: StandardSchemaV1, raw: string): Promise<Checked> {
  const asText = await check(schema, raw);
  if (asText.ok) return asText;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return asText;
  }
  const asJson = await check(schema, parsed);
  if (asJson.ok || !Array.isArray(parsed) || !parsed.some((x) => typeof x === "string")) return asJson;
  // Argo aggregates the outputs of a loop as a list of strings when they are scalars
  // (["1","4"]): read each element as the JSON it was written as.
  const elements = parsed.map((x) => (typeof x === "string" ? jsonOrText(x) : x));
  const asElements = await check(schema, elements);
  return asElements.ok ? asElements : asJson;
}

function jsonOrText(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
