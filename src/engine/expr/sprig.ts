/**
 * Sprig (github.com/Masterminds/sprig/v3) as Argo exposes it to expressions: `sprig.trim(x)`,
 * `sprig.until(5)`, … Argo removes `env` and `expandenv`; date, semver, crypto-key and URL
 * functions are not provided here, and calling one fails like calling a missing function.
 */
import type { GoFunction, Value, ValueMap } from "./values.ts";
import { collectionFunctions } from "./sprig/collections.ts";
import { encodingFunctions } from "./sprig/encoding.ts";
import { numberFunctions } from "./sprig/numbers.ts";
import { stringFunctions } from "./sprig/strings.ts";

let cached: ReadonlyMap<string, GoFunction> | undefined;

function all(): ReadonlyMap<string, GoFunction> {
  cached ??= new Map(Object.entries({ ...stringFunctions(), ...numberFunctions(), ...collectionFunctions(), ...encodingFunctions() }));
  return cached;
}

/** A fresh map of sprig's functions, so an expression that mutates it cannot affect the next one. */
export function sprigFunctions(): ValueMap {
  return new Map<string, Value>(all());
}

export function sprigFunctionNames(): string[] {
  return [...all().keys()].sort();
}

