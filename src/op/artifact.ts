/** How an artifact is stored: tar.gz (default) or as is (needed by subPath slices). */
export type ArchiveMode = "tar" | null;

export type ArtifactShape = "path" | "paths" | "pathMap" | "nested";

/** Nested records of paths (dflow's NestedDict[Path]). */
export interface NestedPaths {
  [key: string]: string | NestedPaths;
}

/** The TypeScript value an OP sees for each artifact shape. */
export interface ShapeValue {
  path: string;
  paths: string[];
  pathMap: Record<string, string>;
  nested: NestedPaths;
}

export interface ArtifactSpecOptions {
  optional?: boolean;
  archive?: ArchiveMode;
  description?: string;
}

/**
 * An artifact in an OP signature. `T` is the value the OP receives or returns, `Opt` whether it
 * may be missing. Artifacts travel as files; parameters (Standard Schemas) as JSON text.
 */
export class ArtifactSpec<T = unknown, Opt extends boolean = boolean> {
  readonly kind = "artifact" as const;
  declare readonly __value?: T;
  constructor(
    readonly shape: ArtifactShape,
    readonly optional: Opt,
    readonly archive: ArchiveMode | undefined,
    readonly description?: string,
  ) {}
}

type Opt<O extends ArtifactSpecOptions | undefined> = O extends { optional: true } ? true : false;

function make<S extends ArtifactShape>(shape: S) {
  return <const O extends ArtifactSpecOptions | undefined = undefined>(options?: O) =>
    new ArtifactSpec<ShapeValue[S], Opt<O>>(
      shape,
      (options?.optional ?? false) as Opt<O>,
      options?.archive,
      options?.description,
    );
}

export const Artifact = {
  /** One file or directory. */
  path: make("path"),
  /** A list of files or directories. */
  paths: make("paths"),
  /** A record of files or directories. */
  pathMap: make("pathMap"),
  /** Nested records of files or directories. */
  nested: make("nested"),
};

export function isArtifactSpec(x: unknown): x is ArtifactSpec {
  return x instanceof ArtifactSpec;
}
