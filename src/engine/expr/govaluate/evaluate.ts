/** govaluate's evaluateStage: short-circuiting, then type checks, then the operator. */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { type GValue, type Stage, typeError } from "./stages.ts";

const SKIPPED = Symbol("short-circuit");

export function evaluateStage(stage: Stage, budget: Budget): GValue {
  budget.tick();
  let left: GValue = null;
  let right: GValue | typeof SKIPPED = null;
  if (stage.left) left = evaluateStage(stage.left, budget);

  switch (stage.symbol) {
    case "AND":
      if (left === false) return false;
      break;
    case "OR":
      if (left === true) return true;
      break;
    case "COALESCE":
      if (left !== null) return left;
      break;
    case "TERNARY_TRUE":
      if (left === false) right = SKIPPED;
      break;
    case "TERNARY_FALSE":
      if (left !== null) right = SKIPPED;
      break;
  }
  if (right !== SKIPPED && stage.right) right = evaluateStage(stage.right, budget);
  const r: GValue = right === SKIPPED ? null : right;

  if (stage.combinedCheck) {
    if (!stage.combinedCheck(left, r)) throw withPosition(typeError(stage.typeErrorFormat, left, stage.symbol), stage);
  } else {
    if (stage.leftCheck && !stage.leftCheck(left)) throw withPosition(typeError(stage.typeErrorFormat, left, stage.symbol), stage);
    if (stage.rightCheck && !stage.rightCheck(r)) throw withPosition(typeError(stage.typeErrorFormat, r, stage.symbol), stage);
  }
  try {
    return stage.operator(left, r, budget);
  } catch (e) {
    throw e instanceof Fault && e.position === undefined ? withPosition(e, stage) : e;
  }
}

function withPosition(f: Fault, stage: Stage): Fault {
  return new Fault(f.message, stage.position);
}
