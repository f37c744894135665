// An esbuild plugin (plain CommonJS: it runs in esbuild-worker.cjs, outside any TS loader).
//
// zod's classic API (`z`) re-exports every locale (`z.locales.fr`, ...): about 265 KB of a 490 KB
// OP bundle, for messages an OP never shows unless it calls `z.config(z.locales.xx())`. When esbuild
// loads zod's locale index, this plugin rewrites it so that every locale but English (zod's default,
// which zod's schemas import directly anyway) is a function that throws a clear error when called.
// A locale the OP's module imports itself (`import fr from "zod/v4/locales/fr.js"`) is bundled as
// usual. One callback per build (an onResolve hook on every relative import cost ~15% more time).
// Should zod change the index's layout, nothing matches and the bundle keeps every locale.
"use strict";

const { readFile } = require("node:fs/promises");
const { dirname } = require("node:path");

const KEEP_ALL_ENV = "DFLOW_BUNDLE_ALL_ZOD_LOCALES";
// esbuild evaluates filters with Go's regexp: keep to its syntax.
const LOCALE_INDEX = /[\\/]zod[\\/](?:v4[\\/])?locales[\\/]index\.c?js$/;
// ESM: export { default as frCA } from "./fr-CA.js";   CommonJS: require("./fr-CA.cjs")
const ESM_REEXPORT = /export\s*\{\s*default\s+as\s+([A-Za-z_$][\w$]*)\s*\}\s*from\s*(["'])\.\/([A-Za-z-]+)\.js\2\s*;?/g;
const CJS_REQUIRE = /require\((["'])\.\/([A-Za-z-]+)\.cjs\1\)/g;
const LEFT_OUT = "__dflowZodLocaleLeftOut";

function zodLocalesPlugin() {
  return {
    name: "dflow-zod-locales",
    setup(build) {
      build.onLoad({ filter: LOCALE_INDEX }, async (args) => ({
        contents: rewriteIndex(await readFile(args.path, "utf8")),
        loader: "js",
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/** zod's locale index with every locale but "en" replaced by a stub (unchanged if nothing matches). */
function rewriteIndex(text) {
  let cut = 0;
  const out = text
    .replace(ESM_REEXPORT, (m, name, _q, file) => (file === "en" ? m : (cut++, `export const ${name} = ${LEFT_OUT}(${JSON.stringify(file)});`)))
    .replace(CJS_REQUIRE, (m, _q, file) => (file === "en" ? m : (cut++, `({ __esModule: true, default: ${LEFT_OUT}(${JSON.stringify(file)}) })`)));
  if (cut === 0) return text;
  return `${out}
function ${LEFT_OUT}(file) {
  const name = file.replace(/-/g, "");
  return function () {
    throw new Error(\`zod locale "\${name}" is not in this OP's bundle: dflow-ts leaves zod's non-English locales out of function-OP bundles to keep them small. \` +
      \`Import it in the OP's module instead (import \${name} from "zod/v4/locales/\${file}.js"; z.config(\${name}())), or compile with ${KEEP_ALL_ENV}=1.\`);
  };
}
`;
}

module.exports = { zodLocalesPlugin, rewriteIndex, KEEP_ALL_ENV };
