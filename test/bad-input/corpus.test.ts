// The bad-input corpus: malformed Argo manifests (cases/*.yaml). Each starts with
//   # expect: reject | fail
//   # match: <regex the message must match>
// "reject": refused before anything runs, with an error naming the element and the rule (a
// user-facing error: the CLI prints it without a stack). "fail": accepted, but the workflow fails
// at run time with that message on the failing step or the workflow — in bounded time, never a
// hang, never a stack trace. All cases run in-process through the engine; a handful also through
// the real CLI.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadManifestFile } from "../../src/cli/run-manifest.ts";
import { startWorkflow, type RunResult } from "../../src/engine/index.ts";

const CASES = resolve(__dirname, "cases");
const CLI = resolve(__dirname, "../../bin/dflow.js");
const files = readdirSync(CASES).filter((f) => f.endsWith(".yaml")).sort();
const STACK = /\n\s+at .+:\d+/;
const CASE_TIMEOUT_MS = 30_000;

interface Case {
  file: string;
  expect: "reject" | "fail";
  match: RegExp;
}

function header(file: string): Case {
  const text = readFileSync(join(CASES, file), "utf8");
  const expectLine = /^# expect: (reject|fail)$/m.exec(text);
  const matchLine = /^# match: (.+)$/m.exec(text);
  if (!expectLine || !matchLine) throw new Error(`${file}: missing "# expect:" / "# match:" header`);
  return { file, expect: expectLine[1] as Case["expect"], match: new RegExp(matchLine[1]!) };
}

const messages = (r: RunResult): string[] => [r.message ?? "", ...r.record.steps.map((s) => s.message ?? "")].filter(Boolean);

describe("bad-input corpus", () => {
  it("has at least 100 cases", () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  for (const file of files) {
    const c = header(file);
    it(`${file}: ${c.expect}s with ${c.match.source}`, { timeout: CASE_TIMEOUT_MS + 5000 }, async () => {
      const root = mkdtempSync(join(tmpdir(), "dflow-bad-"));
      let error: unknown;
      let run: ReturnType<typeof startWorkflow> | undefined;
      try {
        run = startWorkflow(loadManifestFile(join(CASES, file)), { root, parallelism: 2, id: "bad" });
      } catch (e) {
        error = e;
      }
      if (c.expect === "reject") {
        expect(run, "accepted a manifest that should be rejected").toBeUndefined();
        const e = error as Error & { userFacing?: boolean };
        expect(e.userFacing, `not a user-facing error: ${e.stack}`).toBe(true);
        expect(e.message).toMatch(c.match);
        expect(e.message).not.toMatch(STACK);
        expect(existsSync(join(root, "bad", "journal.jsonl")), "nothing may run before validation").toBe(false);
        return;
      }
      expect(error, `rejected a manifest that should fail at run time: ${(error as Error)?.message}`).toBeUndefined();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        run!.done,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("hung")), CASE_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      expect(["Failed", "Error"]).toContain(result.phase);
      const all = messages(result);
      expect(all.some((m) => c.match.test(m)), `no message matches ${c.match}:\n${all.join("\n")}`).toBe(true);
      for (const m of all) expect(m).not.toMatch(STACK);
    });
  }

  const viaCli = ["yaml-unclosed-bracket.yaml", "dag-cycle.yaml", "bad-timeout.yaml", "withparam-not-json.yaml", "no-declared-output-file.yaml", "when-unparseable.yaml"];
  for (const file of viaCli) {
    const c = header(file);
    it(`dflow run ${file}`, { timeout: 60_000 }, async () => {
      const root = mkdtempSync(join(tmpdir(), "dflow-bad-cli-"));
      const r = await promisify(execFile)(process.execPath, [CLI, "run", join(CASES, file), "--root", root], { timeout: 50_000 }).then(
        (ok) => ({ code: 0, ...ok }),
        (e: { code?: number; stdout: string; stderr: string }) => e,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(c.match);
      expect(r.stderr).not.toMatch(STACK);
      if (c.expect === "reject") expect(r.stderr).toMatch(/^dflow: /m);
      else expect(r.stdout).toMatch(/ (Failed|Error)$/m);
    });
  }
});
