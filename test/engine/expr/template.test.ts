import { describe, expect, it } from "vitest";
import { expandVars, ExpressionError, findPlaceholders, renderTemplate } from "../../../src/engine/expr/index.ts";

// Behaviour of Argo's util/template: fasttemplate tags `{{…}}`, simple tags looked up by their
// trimmed text in the flat replace map, `{{=…}}` evaluated by expr-lang with the expanded map
// and Argo's functions, results as strings (non-strings as JSON).

const vars = {
  "inputs.parameters.message": "hello world",
  "inputs.parameters.num": "7",
  "inputs.parameters.json": '{"a": [1, 2]}',
  "steps.flip-coin.outputs.result": "heads",
  "tasks.A.outputs.parameters.p": "pv",
  "workflow.name": "wf-abc",
  "workflow.parameters.config": '{"a": "1", "b": "2", "c": "3"}',
  item: '{"num": 1}',
  "item.num": "1",
  "item.evenness": "odd",
  retries: "2",
};

describe("renderTemplate: simple tags", () => {
  it.each([
    ["echo {{inputs.parameters.message}}", "echo hello world"],
    ["{{ inputs.parameters.num }}+{{\tworkflow.name\n}}", "7+wf-abc"],
    ["{{steps.flip-coin.outputs.result}} == heads", "heads == heads"],
    ["{{tasks.A.outputs.parameters.p}}", "pv"],
    ["{{item.num}} is {{item.evenness}}", "1 is odd"],
    ["retry {{retries}}", "retry 2"],
    ["no tags at all", "no tags at all"],
    ["{{}}", "{{}}"],
    ["{single} }} {", "{single} }} {"],
    ["a {{missing}} b", "a {{missing}} b"],
    ["{{workflow.name}}{{workflow.name}}", "wf-abcwf-abc"],
  ])("%s → %s", (text, expected) => {
    expect(renderTemplate(text, vars)).toBe(expected);
  });

  it("inserts values verbatim, without re-scanning them", () => {
    expect(renderTemplate("{{a}}", { a: "{{b}}", b: "x" })).toBe("{{b}}");
    expect(renderTemplate("{{a}}", { a: 'quote " and \\ and\nnewline' })).toBe('quote " and \\ and\nnewline');
  });

  it("resolves the innermost of nested tags like Argo", () => {
    expect(renderTemplate("{{x {{workflow.name}}", vars)).toBe("{{x wf-abc");
  });

  it("throws on a missing variable with onMissing: error", () => {
    const e = (() => {
      try {
        renderTemplate("a {{missing.var}}", vars, { onMissing: "error" });
      } catch (err) {
        return err as ExpressionError;
      }
      throw new Error("no error");
    })();
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e.message).toBe("failed to resolve {{missing.var}} at position 2");
    expect(e.expression).toBe("missing.var");
    expect(e.position).toBe(2);
  });

  it("fails on an unclosed tag, as fasttemplate does", () => {
    expect(() => renderTemplate("echo ${{x", vars)).toThrow(ExpressionError);
    expect(() => renderTemplate("echo ${{x", vars)).toThrow('cannot find end tag "}}"');
  });

  it("does not look names up on the prototype chain", () => {
    expect(renderTemplate("{{constructor}} {{__proto__}}", {})).toBe("{{constructor}} {{__proto__}}");
  });
});

describe("renderTemplate: expressions", () => {
  it.each([
    ["{{=jsonpath(workflow.parameters.config, '$.a')}}", "1"],
    ["{{=asInt(inputs.parameters.num) * 2}}", "14"],
    ["{{=asFloat(inputs.parameters.num) / 2}}", "3.5"],
    ["{{=asFloat(inputs.parameters.num) * 2}}", "14"],
    ["{{=steps['flip-coin'].outputs.result == 'heads' ? 'H' : 'T'}}", "H"],
    ["{{=tasks.A.outputs.parameters.p}}", "pv"],
    ["{{=sprig.until(3)}}", "[0,1,2]"],
    ["{{=toJson(sprig.until(3))}}", "[0,1,2]"],
    ["{{=['<a>', 1.5]}}", '["\\u003ca\\u003e",1.5]'],
    ["{{=sprig.dict('b', 1, 'a', 2)}}", '{"a":2,"b":1}'],
    ["{{=1 == 1}}", "true"],
    ["{{=1e21}}", "1e+21"],
    ["{{= inputs.parameters.message | upper() }}", "HELLO WORLD"],
    ["{{=item.num}}", "1"],
    ["{{=sprig.int(retries) + 1}}", "3"],
    ["n={{=len(fromJSON(inputs.parameters.json).a)}}", "n=2"],
    ["{{=inputs.parameters.missing ?? 'dflt'}}", "dflt"],
  ])("%s → %s", (text, expected) => {
    expect(renderTemplate(text, vars)).toBe(expected);
  });

  it("keeps failing or nil expressions with onMissing: keep", () => {
    expect(renderTemplate("{{=nope}}", vars)).toBe("{{=nope}}");
    expect(renderTemplate("{{=1 +}}", vars)).toBe("{{=1 +}}");
    expect(renderTemplate("{{=inputs.parameters.missing}}", vars)).toBe("{{=inputs.parameters.missing}}");
    expect(renderTemplate("{{=0/0 > 1 ? 1 : nil}}", vars)).toBe("{{=0/0 > 1 ? 1 : nil}}");
  });

  it("keeps expressions on variables Argo defines late, even when they would evaluate", () => {
    expect(renderTemplate("{{=workflow.status == 'Succeeded'}}", vars)).toBe("{{=workflow.status == 'Succeeded'}}");
    expect(renderTemplate("{{=workflow.status == 'Succeeded'}}", { ...vars, "workflow.status": "Succeeded" })).toBe("true");
    expect(renderTemplate("{{=lastRetry.exitCode}}", vars)).toBe("{{=lastRetry.exitCode}}");
    // a string literal mentioning the name does not count
    expect(renderTemplate("{{='workflow.status'}}", vars)).toBe("workflow.status");
  });

  it("throws with onMissing: error", () => {
    expect(() => renderTemplate("{{=nope}}", vars, { onMissing: "error" })).toThrow('cannot parse expression "nope": unknown name nope at position 0');
    expect(() => renderTemplate("{{=inputs.parameters.missing}}", vars, { onMissing: "error" })).toThrow("the result is nil");
    expect(() => renderTemplate("{{=0/0}}", vars, { onMissing: "error" })).toThrow("json: unsupported value: NaN");
    expect(() => renderTemplate("{{=asInt('x')}}", vars, { onMissing: "error" })).toThrow("invalid operation: int(x)");
  });

  it("evaluates each tag in a fresh environment", () => {
    expect(renderTemplate("{{=sprig.set(sprig, 'trim', 1) != nil}} {{=sprig.trim(' a ')}}", vars)).toBe("true a");
  });
});

describe("expandVars", () => {
  it("nests dotted names and keeps dashed names reachable by index", () => {
    expect(expandVars({ "inputs.parameters.x": "1", "steps.my-step.outputs.result": "r", "workflow.name": "w" })).toEqual({
      inputs: { parameters: { x: "1" } },
      steps: { "my-step": { outputs: { result: "r" } } },
      workflow: { name: "w" },
    });
  });

  it("drops a name that is the prefix of a more specific one, as Argo's expand does", () => {
    expect(expandVars({ item: '{"a":1}', "item.a": "1", ab: "4", abb: "5" })).toEqual({ item: { a: "1" }, ab: "4", abb: "5" });
  });

  it("is safe with prototype-like names", () => {
    const e = expandVars({ "__proto__.x": "1", constructor: "c" });
    expect(Object.getPrototypeOf({})).not.toHaveProperty("x");
    expect(e.constructor).toBe("c");
  });
});

describe("findPlaceholders", () => {
  it("lists simple and expression tags with their spans", () => {
    const text = "a {{ inputs.parameters.x }} b {{=asInt(item) + 1}}";
    expect(findPlaceholders(text)).toEqual([
      { expr: false, name: "inputs.parameters.x", start: 2, end: 27 },
      { expr: true, name: "asInt(item) + 1", start: 30, end: 50 },
    ]);
    expect(text.slice(30, 50)).toBe("{{=asInt(item) + 1}}");
  });

  it("returns nothing for plain text and throws on an unclosed tag", () => {
    expect(findPlaceholders("plain")).toEqual([]);
    expect(() => findPlaceholders("a {{ b")).toThrow(ExpressionError);
  });
});
