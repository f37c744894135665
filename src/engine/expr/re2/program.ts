/**
 * Compilation of a regexp syntax tree to a Pike-VM program, and the VM itself. The VM runs in
 * time O(len(text) × len(program)) whatever the pattern, with leftmost-first (Perl/Go)
 * submatch semantics.
 */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { type Assertion, classMatches, foldCase, type ReNode } from "./ast.ts";

const enum Op {
  Match,
  Char,
  Split,
  Jmp,
  Save,
  Assert,
}

interface Inst {
  op: Op;
  x: number;
  y: number;
  test?: (cp: number) => boolean;
  assertion?: Assertion;
}

export interface Program {
  readonly insts: readonly Inst[];
  readonly numCaps: number;
}

const MAX_PROGRAM = 50_000;

function charTest(node: ReNode): (cp: number) => boolean {
  switch (node.t) {
    case "lit": {
      const c = node.cp;
      if (!node.fold) return (cp) => cp === c;
      const f = foldCase(c);
      return (cp) => cp === c || foldCase(cp) === f;
    }
    case "class": {
      const cls = node.cls;
      return (cp) => classMatches(cls, cp);
    }
    case "any":
      return node.dotNL ? () => true : (cp) => cp !== 0x0a;
    default:
      throw new Error(`not a character node: ${node.t}`);
  }
}

export function compile(root: ReNode, numCaps: number): Program {
  const insts: Inst[] = [];
  const emit = (inst: Inst): number => {
    if (insts.length >= MAX_PROGRAM) throw new Fault("error parsing regexp: expression too large");
    insts.push(inst);
    return insts.length - 1;
  };

  const gen = (n: ReNode): void => {
    switch (n.t) {
      case "empty":
        return;
      case "lit":
      case "class":
      case "any":
        emit({ op: Op.Char, x: 0, y: 0, test: charTest(n) });
        return;
      case "assert":
        emit({ op: Op.Assert, x: 0, y: 0, assertion: n.kind });
        return;
      case "cap":
        emit({ op: Op.Save, x: 2 * n.index, y: 0 });
        gen(n.sub);
        emit({ op: Op.Save, x: 2 * n.index + 1, y: 0 });
        return;
      case "cat":
        for (const s of n.subs) gen(s);
        return;
      case "alt": {
        const jumps: number[] = [];
        for (let i = 0; i < n.subs.length; i++) {
          if (i < n.subs.length - 1) {
            const split = emit({ op: Op.Split, x: 0, y: 0 });
            insts[split]!.x = insts.length;
            gen(n.subs[i]!);
            jumps.push(emit({ op: Op.Jmp, x: 0, y: 0 }));
            insts[split]!.y = insts.length;
          } else gen(n.subs[i]!);
        }
        for (const j of jumps) insts[j]!.x = insts.length;
        return;
      }
      case "rep":
        genRepeat(n.sub, n.min, n.max, n.greedy);
        return;
    }
  };

  const split = (greedy: boolean, body: number, skip: number): Inst =>
    greedy ? { op: Op.Split, x: body, y: skip } : { op: Op.Split, x: skip, y: body };

  const star = (sub: ReNode, greedy: boolean): void => {
    const l1 = emit({ op: Op.Split, x: 0, y: 0 });
    gen(sub);
    emit({ op: Op.Jmp, x: l1, y: 0 });
    insts[l1] = split(greedy, l1 + 1, insts.length);
  };

  const genRepeat = (sub: ReNode, min: number, max: number, greedy: boolean): void => {
    if (max < 0) {
      // x{n,} is n-1 copies of x followed by x+; x{0,} is x*.
      for (let i = 0; i < min - 1; i++) gen(sub);
      if (min === 0) {
        star(sub, greedy);
        return;
      }
      const l1 = insts.length;
      gen(sub);
      emit(split(greedy, l1, insts.length + 1));
      return;
    }
    for (let i = 0; i < min; i++) gen(sub);
    // x{n,m}: then m-n optional copies, each able to skip to the common end.
    const opens: number[] = [];
    for (let i = min; i < max; i++) {
      opens.push(emit({ op: Op.Split, x: 0, y: 0 }));
      gen(sub);
    }
    const end = insts.length;
    for (const o of opens) insts[o] = split(greedy, o + 1, end);
  };

  emit({ op: Op.Save, x: 0, y: 0 });
  gen(root);
  emit({ op: Op.Save, x: 1, y: 0 });
  emit({ op: Op.Match, x: 0, y: 0 });
  return { insts, numCaps };
}

function isWordChar(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
}

function assertionHolds(kind: Assertion, text: readonly number[], pos: number): boolean {
  const before = pos > 0 ? text[pos - 1]! : -1;
  const after = pos < text.length ? text[pos]! : -1;
  switch (kind) {
    case "bot":
      return pos === 0;
    case "eot":
      return pos === text.length;
    case "bol":
      return pos === 0 || before === 0x0a;
    case "eol":
      return pos === text.length || after === 0x0a;
    case "word":
      return isWordChar(before) !== isWordChar(after);
    case "nonword":
      return isWordChar(before) === isWordChar(after);
  }
}

interface Thread {
  readonly pc: number;
  readonly caps: Int32Array;
}

/**
 * Leftmost-first search for a match starting at or after `start` (code-point index). Returns
 * capture positions (pairs, -1 when unset) or undefined.
 */
export function execute(prog: Program, text: readonly number[], start: number, budget: Budget): Int32Array | undefined {
  const { insts } = prog;
  const mark = new Int32Array(insts.length);
  let generation = 0;
  let matched: Int32Array | undefined;

  const add = (list: Thread[], pc0: number, caps0: Int32Array, pos: number): void => {
    const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
    while (stack.length > 0) {
      const { pc, caps } = stack.pop()!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      budget.tick();
      const inst = insts[pc]!;
      switch (inst.op) {
        case Op.Jmp:
          stack.push({ pc: inst.x, caps });
          break;
        case Op.Split:
          stack.push({ pc: inst.y, caps }, { pc: inst.x, caps });
          break;
        case Op.Save: {
          const next = caps.slice();
          next[inst.x] = pos;
          stack.push({ pc: pc + 1, caps: next });
          break;
        }
        case Op.Assert:
          if (assertionHolds(inst.assertion!, text, pos)) stack.push({ pc: pc + 1, caps });
          break;
        default:
          list.push({ pc, caps });
      }
    }
  };

  const fresh = (): Int32Array => new Int32Array(2 * prog.numCaps).fill(-1);
  let clist: Thread[] = [];
  generation++;
  for (let pos = start; ; pos++) {
    if (matched === undefined) add(clist, 0, fresh(), pos);
    // No live thread: done once a match is known; otherwise try the next start position.
    if (clist.length === 0 && (matched !== undefined || pos >= text.length)) break;
    const cp = pos < text.length ? text[pos]! : -1;
    generation++;
    const nlist: Thread[] = [];
    for (const t of clist) {
      budget.tick();
      const inst = insts[t.pc]!;
      if (inst.op === Op.Match) {
        matched = t.caps;
        break;
      }
      if (cp >= 0 && inst.test!(cp)) add(nlist, t.pc + 1, t.caps, pos + 1);
    }
    clist = nlist;
    if (pos >= text.length) break;
  }
  return matched;
}
