/** Tree-walking evaluator for expr-lang with expr's runtime semantics and a step budget. */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { GoRegexp } from "../re2/regexp.ts";
import { GoFunction, goTypeName, type Value, type ValueMap } from "../values.ts";
import type { Node, NodeOf } from "./ast.ts";
import { BUILTINS } from "./builtins.ts";
import { type Arg, Closure } from "./closure.ts";
import { PREDICATE_IMPLS } from "./predicates.ts";
import { arithmetic, asBool, compare, contains, equal, fetch, negate, slice } from "./runtime.ts";

/** What `#`, `#index` and `#acc` refer to inside the innermost predicate. */
interface Pointer {
  readonly element: Value;
  readonly index: number;
  readonly acc: Value;
}

interface Scope {
  readonly lets: ReadonlyMap<string, Value>;
  readonly pointer: Pointer | undefined;
}

/** Marks a `?.` that met nil: the enclosing chain evaluates to nil. */
const NIL_CHAIN = Symbol("nil-chain");
type Chained = Value | typeof NIL_CHAIN;

export class Interpreter {
  constructor(
    private readonly env: ValueMap,
    private readonly budget: Budget,
  ) {}

  run(node: Node): Value {
    return this.eval(node, { lets: new Map(), pointer: undefined });
  }

  private eval(node: Node, scope: Scope): Value {
    this.budget.tick();
    try {
      return this.evalNode(node, scope);
    } catch (e) {
      if (e instanceof Fault && e.position === undefined) throw new Fault(e.message, node.pos);
      throw e;
    }
  }

  private evalNode(node: Node, scope: Scope): Value {
    switch (node.k) {
      case "nil":
        return null;
      case "bool":
      case "int":
      case "float":
      case "string":
        return node.value;
      case "ident":
        return this.lookup(node.name, scope);
      case "pointer":
        return this.pointer(node.name, scope);
      case "unary":
        return this.unary(node, scope);
      case "binary":
        return this.binary(node, scope);
      case "member":
      case "call": {
        const v = this.chained(node, scope);
        return v === NIL_CHAIN ? null : v;
      }
      case "chain": {
        const v = this.chained(node.node, scope);
        return v === NIL_CHAIN ? null : v;
      }
      case "slice":
        return slice(this.eval(node.node, scope), node.from && this.eval(node.from, scope), node.to && this.eval(node.to, scope));
      case "builtin":
        return this.builtin(node, scope);
      case "predicate":
        throw new Fault("a predicate can only be an argument of a builtin");
      case "conditional": {
        const c = this.eval(node.cond, scope);
        if (typeof c !== "boolean") throw new Fault(`non-bool expression (type ${goTypeName(c)}) used as condition`);
        return this.eval(c ? node.then : node.otherwise, scope);
      }
      case "array": {
        this.budget.elements(node.items.length, "array");
        return node.items.map((n) => this.eval(n, scope));
      }
      case "map": {
        const m: ValueMap = new Map();
        for (const { key, value } of node.pairs) {
          const k = this.eval(key, scope);
          if (typeof k !== "string") throw new Fault(`map key must be a string, got ${goTypeName(k)}`);
          m.set(k, this.eval(value, scope));
        }
        return m;
      }
      case "let": {
        const value = this.eval(node.value, scope);
        const lets = new Map(scope.lets);
        lets.set(node.name, value);
        return this.eval(node.body, { lets, pointer: scope.pointer });
      }
      case "sequence": {
        let last: Value = null;
        for (const n of node.nodes) last = this.eval(n, scope);
        return last;
      }
    }
  }

  private lookup(name: string, scope: Scope): Value {
    if (scope.lets.has(name)) return scope.lets.get(name)!;
    if (name === "$env") return this.env;
    if (this.env.has(name)) return this.env.get(name)!;
    throw new Fault(`unknown name ${name}`);
  }

  private pointer(name: string, scope: Scope): Value {
    const p = scope.pointer;
    if (!p) throw new Fault("pointer accessor # used outside a predicate");
    if (name === "") return p.element;
    if (name === "index") return BigInt(p.index);
    if (name === "acc") return p.acc;
    throw new Fault(`unknown pointer #${name}`);
  }

  /** Member access and calls, propagating a nil met by `?.` up to the enclosing chain. */
  private chained(node: Node, scope: Scope): Chained {
    this.budget.tick();
    if (node.k === "member") {
      const base = this.chained(node.node, scope);
      if (base === NIL_CHAIN) return NIL_CHAIN;
      if (base === null && node.optional) return NIL_CHAIN;
      const key = this.eval(node.property, scope);
      try {
        return fetch(base, key);
      } catch (e) {
        throw e instanceof Fault ? new Fault(e.message, node.pos) : e;
      }
    }
    if (node.k === "call") return this.call(node, scope);
    if (node.k === "chain") {
      const v = this.chained(node.node, scope);
      return v === NIL_CHAIN ? null : v;
    }
    return this.eval(node, scope);
  }

  private call(node: NodeOf<"call">, scope: Scope): Chained {
    const fn = node.callee.k === "member" ? this.chained(node.callee, scope) : this.eval(node.callee, scope);
    if (fn === NIL_CHAIN) return NIL_CHAIN;
    const name = calleeName(node.callee);
    if (!(fn instanceof GoFunction)) {
      throw new Fault(`${name} is not a function (${fn === null ? "it is nil" : `type ${goTypeName(fn)}`})`, node.pos);
    }
    const args = node.args.map((a) => this.eval(a, scope));
    try {
      return fn.call(args, { budget: this.budget });
    } catch (e) {
      throw e instanceof Fault && e.position === undefined ? new Fault(`${e.message} (in call to ${name})`, node.pos) : e;
    }
  }

  private unary(node: NodeOf<"unary">, scope: Scope): Value {
    const v = this.eval(node.node, scope);
    switch (node.op) {
      case "not":
      case "!":
        return !asBool(v, `invalid operation: ${node.op}`);
      case "-":
        return negate(v);
      case "+":
        if (typeof v === "bigint" || typeof v === "number") return v;
        throw new Fault(`invalid operation: + ${goTypeName(v)}`);
    }
    throw new Fault(`unknown unary operator ${node.op}`);
  }

  private binary(node: NodeOf<"binary">, scope: Scope): Value {
    const op = node.op;
    if (op === "||" || op === "or" || op === "&&" || op === "and") {
      const isOr = op === "||" || op === "or";
      const l = this.eval(node.left, scope);
      if (typeof l !== "boolean") throw new Fault(`invalid operation: ${op} (mismatched types ${goTypeName(l)} and bool)`);
      if (l === isOr) return l;
      const r = this.eval(node.right, scope);
      if (typeof r !== "boolean") throw new Fault(`invalid operation: ${op} (mismatched types bool and ${goTypeName(r)})`);
      return r;
    }
    if (op === "??") {
      const l = this.eval(node.left, scope);
      return l !== null ? l : this.eval(node.right, scope);
    }
    const l = this.eval(node.left, scope);
    const r = this.eval(node.right, scope);
    // Comparing or searching collections costs time proportional to their size.
    if (Array.isArray(r)) this.budget.tick(r.length);
    if (Array.isArray(l)) this.budget.tick(l.length);
    switch (op) {
      case "==":
        return equal(l, r);
      case "!=":
        return !equal(l, r);
      case "<":
        return compare(op, l, r) < 0;
      case ">":
        return compare(op, l, r) > 0;
      case "<=":
        return compare(op, l, r) <= 0;
      case ">=":
        return compare(op, l, r) >= 0;
      case "in":
        return contains(l, r);
      case "matches":
        if (typeof l !== "string" || typeof r !== "string") {
          throw new Fault(`invalid operation: matches (mismatched types ${goTypeName(l)} and ${goTypeName(r)})`);
        }
        return GoRegexp.compile(r).test(l, this.budget);
      case "contains":
      case "startsWith":
      case "endsWith": {
        if (typeof l !== "string" || typeof r !== "string") {
          throw new Fault(`invalid operation: ${op} (mismatched types ${goTypeName(l)} and ${goTypeName(r)})`);
        }
        return op === "contains" ? l.includes(r) : op === "startsWith" ? l.startsWith(r) : l.endsWith(r);
      }
      case "..": {
        if (typeof l !== "bigint" || typeof r !== "bigint") {
          throw new Fault(`invalid operation: .. (mismatched types ${goTypeName(l)} and ${goTypeName(r)})`);
        }
        const n = r - l + 1n;
        if (n <= 0n) return [];
        this.budget.elements(Number(n), "range");
        const out: Value[] = [];
        for (let i = l; i <= r; i++) out.push(i);
        return out;
      }
      default:
        return arithmetic(op, l, r, this.budget);
    }
  }

  private builtin(node: NodeOf<"builtin">, scope: Scope): Value {
    const args: Arg[] = node.args.map((a) => (a.k === "predicate" ? this.closure(a, scope) : this.eval(a, scope)));
    const predicate = PREDICATE_IMPLS[node.name];
    if (predicate) return predicate(args, this.budget);
    const impl = BUILTINS[node.name];
    if (!impl) throw new Fault(`unknown builtin ${node.name}`);
    return impl(args as Value[], this.budget);
  }

  private closure(node: NodeOf<"predicate">, scope: Scope): Closure {
    return new Closure((element, index, acc) => this.eval(node.node, { lets: scope.lets, pointer: { element, index, acc } }));
  }
}

/**
 * expr's checker rejects names that are neither in the environment nor bound by `let`; do the
 * same before evaluating, so a typo fails even in a branch that is not taken.
 */
export function checkNames(node: Node, env: ValueMap, bound: ReadonlySet<string> = new Set()): void {
  const visit = (n: Node, names: ReadonlySet<string>): void => {
    switch (n.k) {
      case "ident":
        if (!names.has(n.name) && n.name !== "$env" && !env.has(n.name)) throw new Fault(`unknown name ${n.name}`, n.pos);
        return;
      case "let":
        visit(n.value, names);
        visit(n.body, new Set([...names, n.name]));
        return;
      case "member":
        visit(n.node, names);
        if (n.property.k !== "string") visit(n.property, names);
        return;
      default:
        for (const child of children(n)) visit(child, names);
    }
  };
  visit(node, bound);
}

function children(n: Node): Node[] {
  switch (n.k) {
    case "unary":
    case "predicate":
    case "chain":
      return [n.node];
    case "binary":
      return [n.left, n.right];
    case "slice":
      return [n.node, ...(n.from ? [n.from] : []), ...(n.to ? [n.to] : [])];
    case "call":
      return [n.callee, ...n.args];
    case "builtin":
      return [...n.args];
    case "conditional":
      return [n.cond, n.then, n.otherwise];
    case "array":
      return [...n.items];
    case "map":
      return n.pairs.flatMap((p) => [p.key, p.value]);
    case "sequence":
      return [...n.nodes];
    default:
      return [];
  }
}

/** `sprig.trim` for `sprig.trim(x)`, for messages. */
function calleeName(n: Node): string {
  if (n.k === "ident") return n.name;
  if (n.k === "member" && n.property.k === "string") return `${calleeName(n.node)}.${n.property.value}`;
  return "function";
}
