import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { sharedDir } from "./shared.ts";

let validator: ValidateFunction | undefined;

/**
 * Argo v4.1.2's Workflow JSON schema with the two patches ../shared/argo/README.md describes:
 * IntOrString accepts integers, and every object rejects unknown keys (catches misspelled fields).
 */
export function argoValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(path.join(sharedDir, "argo", "schema.json"), "utf8")) as {
    definitions: Record<string, Record<string, unknown>>;
  };
  const defs = schema.definitions;
  defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = { anyOf: [{ type: "string" }, { type: "integer" }] };
  for (const def of Object.values(defs)) {
    if (def.type === "object" && def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  for (const f of ["int32", "int64", "uint64", "byte"]) ajv.addFormat(f, true);
  validator = ajv.compile(schema);
  return validator;
}

/** Validation errors as readable lines ("" when valid). */
export function argoErrors(doc: unknown): string {
  const v = argoValidator();
  if (v(doc)) return "";
  return (v.errors ?? [])
    .slice(0, 20)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`)
    .join("\n");
}
