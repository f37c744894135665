import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalArtifactStore, safeJoin } from "../../src/engine/artifacts.ts";
import { containerPathMap } from "../../src/engine/paths.ts";
import { run, sh, step, tempRoot, workflow } from "./helpers.ts";

const writer = sh("w", "echo -n {{inputs.parameters.v}} > /tmp/out.txt; mkdir -p /tmp/dir; echo {{inputs.parameters.v}} > /tmp/dir/f", {
  inputs: { parameters: [{ name: "v" }] },
  outputs: {
    parameters: [{ name: "p", valueFrom: { path: "/tmp/out.txt" } }],
    artifacts: [
      { name: "a", path: "/tmp/out.txt" },
      { name: "d", path: "/tmp/dir" },
    ],
  },
});

describe("parameters and artifacts", () => {
  it("isolates parallel steps writing the same absolute path", async () => {
    const r = await run(
      workflow("m", [{ name: "m", steps: [[{ name: "w", template: "w", arguments: { parameters: [{ name: "v", value: "{{item}}" }] }, withSequence: { count: "6" } }]] }, writer]),
    );
    expect(r.phase).toBe("Succeeded");
    for (let i = 0; i < 6; i++) expect(step(r, `w(${i}:${i})`).outputs.parameters.p).toBe(String(i));
    expect(existsSync("/tmp/out.txt") && readFileSync("/tmp/out.txt", "utf8") === "5").toBe(false);
  });

  it("passes artifacts between steps with subPath, mode and optional inputs", async () => {
    const r = await run(
      workflow("m", [
        {
          name: "m",
          steps: [
            [{ name: "make", template: "w", arguments: { parameters: [{ name: "v", value: "42" }] } }],
            [
              {
                name: "use",
                template: "r",
                arguments: {
                  artifacts: [
                    { name: "file", from: "{{steps.make.outputs.artifacts.a}}" },
                    { name: "sub", from: "{{steps.make.outputs.artifacts.d}}", subPath: "f" },
                    { name: "raw", raw: { data: "inline" } },
                  ],
                },
              },
            ],
          ],
        },
        writer,
        sh("r", 'cat /in/file; echo; cat /in/sub; cat /in/raw; echo; ls -l /in/raw | cut -c1-10; [ -e /in/missing ] || echo no-missing', {
          inputs: {
            artifacts: [
              { name: "file", path: "/in/file" },
              { name: "sub", path: "/in/sub" },
              { name: "raw", path: "/in/raw", mode: 0o600 },
              { name: "missing", path: "/in/missing", optional: true },
            ],
          },
        }),
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    const use = step(r, "use");
    expect(use.outputs.result).toBe("42\n42\ninline\n-rw-------\nno-missing");
    expect(readFileSync(use.inputs.artifacts.file!, "utf8")).toBe("42");
    // The record's inputs/artifacts/<name> points at the staged copy.
    const link = join(use.dir!, "inputs", "artifacts", "file");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(use.dir!, readlinkSync(link).startsWith("/") ? "" : "inputs/artifacts", readlinkSync(link)), "utf8")).toBe("42");
    expect(readFileSync(join(step(r, "make").dir!, "outputs", "artifacts", "a"), "utf8")).toBe("42");
  });

  it("uses output parameter defaults, and errors on a missing output without one", async () => {
    const ok = await run(workflow("t", [sh("t", "true", { outputs: { parameters: [{ name: "p", valueFrom: { path: "/nope", default: "dflt" } }] } })]));
    expect(ok.phase).toBe("Succeeded");
    expect(step(ok, ok.id).outputs.parameters.p).toBe("dflt");
    const bad = await run(workflow("t", [sh("t", "true", { outputs: { artifacts: [{ name: "a", path: "/nope" }] } })]));
    expect(bad.phase).toBe("Error");
    expect(step(bad, bad.id).message).toMatch(/outputs\.artifacts\.a: \/nope: no such file or directory/);
  });

  it("checks input parameter enums and defaults", async () => {
    const t = { ...sh("t", "echo {{inputs.parameters.x}}"), inputs: { parameters: [{ name: "x", default: "b", enum: ["a", "b"] }] } };
    const ok = await run(workflow("t", [t]));
    expect(step(ok, ok.id).outputs.result).toBe("b");
    const bad = await run(workflow("m", [{ name: "m", steps: [[{ name: "s", template: "t", arguments: { parameters: [{ name: "x", value: "zz" }] } }]] }, t]));
    expect(step(bad, "s").phase).toBe("Error");
    expect(step(bad, "s").message).toMatch(/value "zz" is not one of the allowed values \[a, b\]/);
  });

  it("runs script templates from a file named script in the step dir", async () => {
    const r = await run(
      workflow("p", [{ name: "p", inputs: { parameters: [{ name: "n", value: "3" }] }, script: { image: "python", command: ["python"], source: "print({{inputs.parameters.n}} * 2)" } }]),
    );
    const s = step(r, r.id);
    expect(s.outputs.result).toBe("6");
    expect(readFileSync(join(s.dir!, "script"), "utf8")).toBe("print(3 * 2)");
  });

  it("reports a missing executable clearly", async () => {
    const r = await run(workflow("c", [{ name: "c", container: { image: "docker/whalesay", command: ["cowsay-not-here"], args: ["hi"] } }]));
    expect(r.phase).toBe("Failed");
    expect(step(r, r.id).message).toMatch(/executable "cowsay-not-here" not found on this host/);
  });
});

describe("path safety", () => {
  it("never lets artifact keys or subPaths escape", async () => {
    const root = tempRoot();
    expect(() => safeJoin(root, "../x")).toThrow(/\.\./);
    expect(() => safeJoin(root, "a/../../x")).toThrow(/\.\./);
    expect(() => safeJoin(root, "/etc/passwd")).toThrow(/relative/);
    expect(safeJoin(root, "a/./b")).toBe(join(root, "a", "b"));
    const store = new LocalArtifactStore(root);
    await expect(store.load("k", join(root, "d"), "../../etc/passwd")).rejects.toThrow(/\.\./);
  });

  it("rewrites declared paths only as whole path components", () => {
    const m = containerPathMap("/w", ["/tmp/a", "/out/"]);
    // /tmp is private too (the top-level directory of a declared path); /x/tmp/a is not a match.
    expect(m.rewrite("cat /tmp/a /tmp/ab /x/tmp/a /out/f >/tmp/a/b")).toBe("cat /w/tmp/a /w/tmp/ab /x/tmp/a /w/out/f >/w/tmp/a/b");
    const h = containerPathMap("/w", ["/usr/local/x"]);
    expect(h.rewrite("cat /usr/local/x /usr/local/xy /usr/bin/env")).toBe("cat /w/usr/local/x /usr/local/xy /usr/bin/env");
  });
});
