/** Names expr-lang's parser resolves specially: builtins, and those taking predicates. */

type Arg = "expr" | "predicate" | "expr?" | "predicate?";

/** Builtins whose arguments include a closure, with the shape of their argument list. */
export const PREDICATE_BUILTINS: ReadonlyMap<string, readonly Arg[]> = new Map<string, readonly Arg[]>([
  ["all", ["expr", "predicate"]],
  ["none", ["expr", "predicate"]],
  ["any", ["expr", "predicate"]],
  ["one", ["expr", "predicate"]],
  ["filter", ["expr", "predicate"]],
  ["map", ["expr", "predicate"]],
  ["count", ["expr", "predicate?"]],
  ["sum", ["expr", "predicate?"]],
  ["find", ["expr", "predicate"]],
  ["findIndex", ["expr", "predicate"]],
  ["findLast", ["expr", "predicate"]],
  ["findLastIndex", ["expr", "predicate"]],
  ["groupBy", ["expr", "predicate"]],
  ["sortBy", ["expr", "predicate", "expr?"]],
  ["reduce", ["expr", "predicate", "expr?"]],
]);

export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  ...PREDICATE_BUILTINS.keys(),
  ..."len type abs ceil floor round int float string trim trimPrefix trimSuffix upper lower split splitAfter replace repeat join".split(" "),
  ..."indexOf lastIndexOf hasPrefix hasSuffix max min mean median toJSON fromJSON toBase64 fromBase64 now duration date timezone".split(" "),
  ..."first last get take keys values toPairs fromPairs reverse uniq concat flatten sort".split(" "),
  ..."bitand bitor bitxor bitnand bitshl bitshr bitushr bitnot".split(" "),
]);
