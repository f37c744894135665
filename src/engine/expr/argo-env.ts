/**
 * The functions Argo adds to every `{{=…}}` environment (util/expr/env): asInt and asFloat
 * (aliases of expr's int() and float()), jsonpath, toJson and the sprig map.
 */
import { Fault } from "./errors.ts";
import { BUILTINS } from "./exprlang/builtins.ts";
import { marshal, unmarshal } from "./go/json.ts";
import { queryJsonPath } from "./jsonpath.ts";
import { sprigFunctions } from "./sprig.ts";
import { GoFunction, goTypeName, type Value, type ValueMap } from "./values.ts";

function stringArg(fn: string, v: Value | undefined): string {
  if (typeof v !== "string") throw new Fault(`reflect: Call using ${goTypeName(v ?? null)} as type string (${fn})`);
  return v;
}

export const ARGO_FUNCTION_NAMES = ["asInt", "asFloat", "jsonpath", "toJson", "sprig"] as const;

export function argoFunctions(): ValueMap {
  const m: ValueMap = new Map();
  m.set("asInt", new GoFunction("asInt", (args, { budget }) => BUILTINS.int!(args, budget)));
  m.set("asFloat", new GoFunction("asFloat", (args, { budget }) => BUILTINS.float!(args, budget)));
  m.set(
    "jsonpath",
    new GoFunction("jsonpath", (args, { budget }) => {
      if (args.length !== 2) throw new Fault(`reflect: Call with too ${args.length < 2 ? "few" : "many"} input arguments (jsonpath)`);
      const data = unmarshal(stringArg("jsonpath", args[0]), budget);
      return queryJsonPath(data, stringArg("jsonpath", args[1]), budget);
    }),
  );
  m.set(
    "toJson",
    new GoFunction("toJson", (args, { budget }) => {
      if (args.length !== 1) throw new Fault(`reflect: Call with too ${args.length < 1 ? "few" : "many"} input arguments (toJson)`);
      return marshal(args[0]!, { budget });
    }),
  );
  m.set("sprig", sprigFunctions());
  return m;
}
