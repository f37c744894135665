import { stringify } from "yaml";
import type { Workflow } from "../argo/manifest.ts";

/** YAML as `kubectl`/`argo` read it; long script sources stay block literals. */
export function toYaml(manifest: Workflow): string {
  return stringify(manifest, { lineWidth: 0, blockQuote: "literal", aliasDuplicateObjects: false });
}

export function toJson(manifest: Workflow): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
