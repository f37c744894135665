import { gunzipSync, gzipSync } from "node:zlib";

/**
 * A `node` script that runs `source` as CommonJS (same module, exports, require.main) while its own
 * text holds no "{{": argo-server checks every {{…}} of a template, script sources included, against
 * the variables in scope and refuses the workflow otherwise, and a bundle's text (dflow-ts's own
 * code, the user's) may contain any. gzip + base64 also makes a bundle about 3× smaller.
 * `label` goes into a comment: keep braces out of it.
 */
export function argoSafeNodeScript(source: string, label: string): string {
  const b64 = gzipSync(source, { level: 9 }).toString("base64");
  return [
    `// dflow-ts: ${label.replace(/[{}]/g, "")}, gzip + base64.`,
    `new Function("exports", "require", "module", "__filename", "__dirname", require("zlib").gunzipSync(Buffer.from("${b64}", "base64")).toString("utf8"))(exports, require, module, __filename, __dirname);`,
    "",
  ].join("\n");
}

/** The source an argoSafeNodeScript() runs, or undefined if `script` is not one. */
export function decodeArgoSafeNodeScript(script: string): string | undefined {
  const m = /gunzipSync\(Buffer\.from\("([A-Za-z0-9+/=]*)", "base64"\)\)/.exec(script);
  return m ? gunzipSync(Buffer.from(m[1]!, "base64")).toString("utf8") : undefined;
}
