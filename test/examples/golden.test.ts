import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Workflow, toYaml } from "../../src/index.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared, repoRoot, SHARED_MISSING } from "../helpers/shared.ts";

// Every example compiles to the YAML committed beside it (DFLOW_UPDATE_GOLDEN=1 rewrites them),
// and every manifest is valid Argo. Bundles are left out of golden files: they are tested by
// running them (test/op/runner.test.ts).
const examplesDir = path.join(repoRoot, "examples");
const goldenDir = path.join(examplesDir, "golden");
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".ts")).sort();
const update = process.env.DFLOW_UPDATE_GOLDEN === "1";

describe("examples", () => {
  it("has examples", () => expect(examples.length).toBeGreaterThanOrEqual(10));

  for (const file of examples) {
    describe(file, () => {
      const load = async () => {
        const mod = (await import(path.join(examplesDir, file))) as { default?: unknown };
        expect(mod.default, `${file} must export its workflow as default`).toBeInstanceOf(Workflow);
        return mod.default as Workflow<any>;
      };

      it("matches its golden manifest", async () => {
        const prev = process.cwd();
        process.chdir(repoRoot);
        try {
          const yaml = toYaml((await load()).compile({ bundle: "omit" }));
          const golden = path.join(goldenDir, file.replace(/\.ts$/, ".yaml"));
          if (update || !existsSync(golden)) {
            if (!update) throw new Error(`no golden file ${golden}: run with DFLOW_UPDATE_GOLDEN=1`);
            mkdirSync(goldenDir, { recursive: true });
            writeFileSync(golden, yaml);
          }
          expect(yaml).toBe(readFileSync(golden, "utf8"));
        } finally {
          process.chdir(prev);
        }
      });

      it.skipIf(!hasShared)(`is a valid Argo Workflow${hasShared ? "" : ` (${SHARED_MISSING})`}`, async () => {
        expect(argoErrors((await load()).compile({ bundle: "omit" }))).toBe("");
      });
    });
  }
});
