import { describe, expect, it } from "vitest";
import type { Template } from "../../src/argo/manifest.ts";
import { sprintf } from "../../src/engine/loops.ts";
import { names, run, sh, step, workflow } from "./helpers.ts";

const echo: Template = { name: "echo", inputs: { parameters: [{ name: "m" }] }, container: { image: "alpine", command: ["echo", "{{inputs.parameters.m}}"] } };

describe("loops", () => {
  it("names withItems children name(i:item), maps as sorted key:value pairs", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [
              { name: "p", template: "echo", arguments: { parameters: [{ name: "m", value: "{{item}}" }] }, withItems: ["a", 2, true] },
              { name: "q", template: "echo", arguments: { parameters: [{ name: "m", value: "{{item.os}}-{{item.v}}" }] }, withItems: [{ v: 9, os: "deb" }] },
            ],
          ],
        },
        echo,
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    expect(names(r)).toEqual(["p(0:a)", "p(1:2)", "p(2:true)", "q(0:os:deb,v:9)"]);
    expect(step(r, "q(0:os:deb,v:9)").outputs.result).toBe("deb-9");
  });

  it("aggregates outputs of looped steps and feeds withParam", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [{ name: "gen", template: "gen", arguments: { parameters: [{ name: "n", value: "{{item}}" }] }, withSequence: { count: "3", start: "1" } }],
            [{ name: "all", template: "echo", arguments: { parameters: [{ name: "m", value: "{{steps.gen.outputs.parameters.sq}}" }] } }],
            [{ name: "res", template: "echo", arguments: { parameters: [{ name: "m", value: "{{steps.gen.outputs.result}}" }] } }],
            [{ name: "each", template: "echo", arguments: { parameters: [{ name: "m", value: "{{item.sq}}" }] }, withParam: "{{steps.gen.outputs.parameters}}" }],
          ],
        },
        {
          name: "gen",
          inputs: { parameters: [{ name: "n" }] },
          container: { image: "alpine", command: ["sh", "-c", "echo $(({{inputs.parameters.n}}*{{inputs.parameters.n}})) > /tmp/sq; echo r{{inputs.parameters.n}}"] },
          outputs: { parameters: [{ name: "sq", valueFrom: { path: "/tmp/sq" } }] },
        },
        echo,
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    expect(step(r, "all").outputs.result).toBe('["1","4","9"]');
    expect(step(r, "res").outputs.result).toBe('["r1","r2","r3"]');
    expect(names(r).filter((n) => n.startsWith("each"))).toEqual(["each(0:sq:1)", "each(1:sq:4)", "each(2:sq:9)"]);
  });

  it("formats withSequence items and counts down when end < start", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [
              { name: "f", template: "echo", arguments: { parameters: [{ name: "m", value: "{{item}}" }] }, withSequence: { start: "8", end: "10", format: "x%03d" } },
              { name: "d", template: "echo", arguments: { parameters: [{ name: "m", value: "{{item}}" }] }, withSequence: { start: "2", end: "0" } },
            ],
          ],
        },
        echo,
      ]),
    );
    expect(names(r)).toEqual(["d(0:2)", "d(1:1)", "d(2:0)", "f(0:x008)", "f(1:x009)", "f(2:x010)"]);
    expect(sprintf("%5.2f|%-3d|%x", 3.14159)).toBe(" 3.14|3  |3");
  });

  it("reports withParam that is not a JSON list on the step, and skips empty loops", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [{ name: "empty", template: "echo", withParam: "[]" }],
            [{ name: "bad", template: "echo", withParam: "{{workflow.parameters.list}}" }],
          ],
        },
        echo,
      ], { arguments: { parameters: [{ name: "list", value: "not json" }] } }),
    );
    expect(r.phase).toBe("Failed");
    expect(step(r, "empty").phase).toBe("Skipped");
    expect(step(r, "bad").phase).toBe("Error");
    expect(step(r, "bad").message).toMatch(/withParam value could not be parsed as a JSON list: not json/);
  });

  it("loops over DAG tasks under a TaskGroup with AnySucceeded / AllFailed", async () => {
    const r = await run(
      workflow("d", [
        {
          name: "d",
          dag: {
            tasks: [
              { name: "L", template: "maybe", arguments: { parameters: [{ name: "c", value: "{{item}}" }] }, withItems: [0, 1] },
              { name: "any", template: "echo", arguments: { parameters: [{ name: "m", value: "{{tasks.L.outputs.result}}" }] }, depends: "L.AnySucceeded" },
              { name: "all", template: "echo", arguments: { parameters: [{ name: "m", value: "x" }] }, depends: "L.AllFailed" },
            ],
          },
        },
        { ...sh("maybe", "echo c{{inputs.parameters.c}}; exit {{inputs.parameters.c}}"), inputs: { parameters: [{ name: "c" }] } },
        echo,
      ]),
    );
    const group = r.record.steps.find((s) => s.type === "TaskGroup")!;
    expect(group.name).toBe("L");
    expect(group.children).toHaveLength(2);
    expect(step(r, "any").phase).toBe("Succeeded");
    expect(step(r, "any").outputs.result).toBe('["c0","c1"]');
    expect(step(r, "all").phase).toBe("Omitted");
    expect(r.phase).toBe("Succeeded");
  });
});
