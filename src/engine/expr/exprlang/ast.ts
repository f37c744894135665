/** expr-lang's syntax tree. `pos` is the UTF-16 index of the node's token in the source. */

interface At {
  readonly pos: number;
}

export type Node = At &
  (
    | { readonly k: "nil" }
    | { readonly k: "bool"; readonly value: boolean }
    | { readonly k: "int"; readonly value: bigint }
    | { readonly k: "float"; readonly value: number }
    | { readonly k: "string"; readonly value: string }
    | { readonly k: "ident"; readonly name: string }
    /** `#` (name ""), `#index`, `#acc`, and the implicit receiver of `.field` in predicates. */
    | { readonly k: "pointer"; readonly name: string }
    | { readonly k: "unary"; readonly op: string; readonly node: Node }
    | { readonly k: "binary"; readonly op: string; readonly left: Node; readonly right: Node }
    | { readonly k: "member"; readonly node: Node; readonly property: Node; readonly optional: boolean }
    | { readonly k: "slice"; readonly node: Node; readonly from: Node | undefined; readonly to: Node | undefined }
    | { readonly k: "call"; readonly callee: Node; readonly args: readonly Node[] }
    | { readonly k: "builtin"; readonly name: string; readonly args: readonly Node[] }
    | { readonly k: "predicate"; readonly node: Node }
    /** Wraps a member chain containing `?.`; a nil met by `?.` makes the whole chain nil. */
    | { readonly k: "chain"; readonly node: Node }
    | { readonly k: "conditional"; readonly cond: Node; readonly then: Node; readonly otherwise: Node }
    | { readonly k: "array"; readonly items: readonly Node[] }
    | { readonly k: "map"; readonly pairs: readonly { readonly key: Node; readonly value: Node }[] }
    | { readonly k: "let"; readonly name: string; readonly value: Node; readonly body: Node }
    | { readonly k: "sequence"; readonly nodes: readonly Node[] }
  );

export type NodeOf<K extends Node["k"]> = Extract<Node, { k: K }>;
