import { describe, expect, it } from "vitest";
import { checkKey, checkName } from "../../src/api/names.ts";
import { NameError } from "../../src/index.ts";

// dflow's variable-name table (§3.1.18).
describe("name rules", () => {
  const cases: [Parameters<typeof checkName>[0], string[], string[]][] = [
    ["workflow", ["my-name", "a", "a.b-c", "x".repeat(57)], ["My-name", "-a", "a-", "a_b", "", "x".repeat(58)]],
    ["template", ["my-name", "op.v2"], ["MyOp", "my_op", "op-"]],
    ["step", ["My-name1-2", "123-NAME", "a"], ["-a", "a_b", "a.b", ""]],
    ["task", ["t1", "T-1"], ["t 1", "_t"]],
    ["parameter", ["my_param_1", "MY-PARAM-1"], ["my param", "a.b", ""]],
    ["artifact", ["foo", "foo_bar-1"], ["foo/bar", "f$"]],
    ["key", ["my-name", "iter-1"], ["My-name", "iter_1", "-x"]],
  ];
  for (const [kind, good, bad] of cases) {
    it(`${kind} names`, () => {
      for (const n of good) expect(checkName(kind, n)).toBe(n);
      for (const n of bad) {
        expect(() => checkName(kind, n), `${kind} ${JSON.stringify(n)}`).toThrow(NameError);
        expect(() => checkName(kind, n)).toThrow(new RegExp(`invalid ${kind} name ${JSON.stringify(n).replace(/[.$]/g, "\\$&")}.*must be`));
      }
    });
  }
  it("checks only the static parts of keys with references", () => {
    expect(checkKey("iter-{{inputs.parameters.i}}")).toBe("iter-{{inputs.parameters.i}}");
    expect(() => checkKey("Iter-{{inputs.parameters.i}}")).toThrow(/invalid key name/);
  });
});
