// What goes into a function-OP bundle: zod's non-English locales are left out (see
// src/op/zod-locales.cjs) without changing what an OP does with zod, unless it asks z.locales for one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FunctionOPTemplate } from "../../src/index.ts";
import { EXIT } from "../../src/argo/dflow-conventions.ts";
import { bundleOp, KEEP_ALL_ZOD_LOCALES_ENV } from "../../src/op/bundle.ts";
import { rewriteIndex } from "../../src/op/zod-locales.cjs";
import { runLikePod } from "../helpers/pod.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { english, frenchFromLocales, frenchImported } from "../fixtures/locale-ops.ts";

const build = (t: FunctionOPTemplate<any, any, any>) => t.build({ bundle: "inline", nameOf: (x) => x.name, stepTemplateName: (s) => s.template.name, addTemplate: (n) => n });
const outputOf = (root: string, name: string) => readFileSync(path.join(root, "outputs/parameters", name), "utf8");

describe("zod locales in bundles", () => {
  afterEach(() => {
    delete process.env[KEEP_ALL_ZOD_LOCALES_ENV];
  });

  it("leaves the non-English locales out: the bundle is less than half the size", () => {
    const { module, name } = duplicate.definition;
    const small = bundleOp(module, name);
    process.env[KEEP_ALL_ZOD_LOCALES_ENV] = "1";
    const full = bundleOp(module, name);
    expect(Buffer.byteLength(small.source)).toBeLessThan(240 * 1024);
    expect(Buffer.byteLength(full.source)).toBeGreaterThan(2 * Buffer.byteLength(small.source));
    expect(full.hash).not.toBe(small.hash);
    // zod's French messages ("nombre attendu"); toBe keeps a failure from printing the bundles
    expect(full.source.includes("attendu")).toBe(true);
    expect(small.source.includes("attendu")).toBe(false);
  });

  it("keeps zod's English messages", () => {
    const r = runLikePod(build(english), {});
    expect(r.stderr).toBe("");
    expect(outputOf(r.root, "msg")).toBe("Invalid input: expected number, received string");
  });

  it("keeps a locale the OP's module imports itself", () => {
    const r = runLikePod(build(frenchImported), {});
    expect(r.stderr).toBe("");
    expect(outputOf(r.root, "msg")).toBe("Entrée invalide : nombre attendu, chaîne de caractères reçu");
  });

  it("fails clearly when the OP calls a left-out locale, and DFLOW_BUNDLE_ALL_ZOD_LOCALES=1 keeps them", () => {
    const r = runLikePod(build(frenchFromLocales), {});
    expect(r.status).toBe(EXIT.fatal);
    expect(r.stderr).toContain(`zod locale "fr" is not in this OP's bundle`);
    expect(r.stderr).toContain(`import fr from "zod/v4/locales/fr.js"`);
    process.env[KEEP_ALL_ZOD_LOCALES_ENV] = "1";
    const kept = runLikePod(build(frenchFromLocales), {});
    expect(kept.stderr).toBe("");
    expect(outputOf(kept.root, "msg")).toBe("Entrée invalide : nombre attendu, chaîne de caractères reçu");
  });

  it("rewrites zod's locale index (ESM and CommonJS) and leaves an unknown layout alone", () => {
    const esm = rewriteIndex(`export { default as en } from "./en.js";\nexport { default as frCA } from "./fr-CA.js";\n`);
    expect(esm).toContain(`export { default as en } from "./en.js";`);
    expect(esm).toContain(`export const frCA = __dflowZodLocaleLeftOut("fr-CA");`);
    const cjs = rewriteIndex(`var en_js_1 = require("./en.cjs");\nvar fr_js_1 = require("./fr.cjs");\n`);
    expect(cjs).toContain(`require("./en.cjs")`);
    expect(cjs).toContain(`var fr_js_1 = ({ __esModule: true, default: __dflowZodLocaleLeftOut("fr") });`);
    const other = `import * as all from "./all-locales.mjs";\nexport { all };\n`;
    expect(rewriteIndex(other)).toBe(other);
  });
});
