import { type ArtifactSpec, isArtifactSpec } from "./artifact.ts";
import { isStandardSchema, type StandardSchemaV1 } from "./standard-schema.ts";

/** An OP signature: each field is a parameter (a Standard Schema, e.g. zod) or an artifact. */
export type Sign = Record<string, StandardSchemaV1 | ArtifactSpec<any, boolean>>;

export type ParamKeys<S extends Sign> = { [K in keyof S]: S[K] extends StandardSchemaV1 ? K : never }[keyof S] & string;
export type ArtKeys<S extends Sign> = { [K in keyof S]: S[K] extends ArtifactSpec<any, any> ? K : never }[keyof S] & string;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ArtValue<A> = A extends ArtifactSpec<infer T, infer O> ? (O extends true ? T | undefined : T) : never;
type OptionalKeys<T> = { [K in keyof T]: undefined extends T[K] ? K : never }[keyof T];
type WithOptional<T> = Simplify<
  { [K in Exclude<keyof T, OptionalKeys<T>>]: T[K] } & { [K in OptionalKeys<T>]?: T[K] }
>;

/** What `run`/`execute` receives: parsed parameter values and local artifact paths. */
export type RunInput<S extends Sign> = Simplify<
  { [K in ParamKeys<S>]: S[K] extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S[K]> : never } & {
    [K in ArtKeys<S>]: ArtValue<S[K]>;
  }
>;

/** What `run`/`execute` returns: parameter values (schema input) and artifact paths. */
export type RunOutput<S extends Sign> = WithOptional<
  { [K in ParamKeys<S>]: S[K] extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S[K]> : never } & {
    [K in ArtKeys<S>]: ArtValue<S[K]>;
  }
>;

/** Parameter value types as another step may pass them (schema input types). */
export type ParamInputTypes<S extends Sign> = {
  [K in ParamKeys<S>]: S[K] extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S[K]> : never;
};
/** Parameter value types a step outputs (schema output types). */
export type ParamOutputTypes<S extends Sign> = {
  [K in ParamKeys<S>]: S[K] extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S[K]> : never;
};
export type ArtValueTypes<S extends Sign> = { [K in ArtKeys<S>]: S[K] extends ArtifactSpec<infer T, any> ? T : never };

export function splitSign(sign: Sign, where: string): {
  parameters: [string, StandardSchemaV1][];
  artifacts: [string, ArtifactSpec][];
} {
  const parameters: [string, StandardSchemaV1][] = [];
  const artifacts: [string, ArtifactSpec][] = [];
  for (const [name, s] of Object.entries(sign)) {
    if (isArtifactSpec(s)) artifacts.push([name, s]);
    else if (isStandardSchema(s)) parameters.push([name, s]);
    else {
      throw new TypeError(
        `${where}: field "${name}" is neither a schema (e.g. z.string()) nor an artifact (Artifact.path())`,
      );
    }
  }
  return { parameters, artifacts };
}
