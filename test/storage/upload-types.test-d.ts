import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { uploadArtifact, UploadedArtifact } from "../../src/api/artifact-api.ts";
import { Artifact, defineOp, Step, type ArtifactSource } from "../../src/index.ts";

const op = defineOp({
  name: "op",
  inputs: { one: Artifact.path(), many: Artifact.paths(), map: Artifact.pathMap(), tree: Artifact.nested() },
  outputs: { n: z.number() },
  run: () => ({ n: 1 }),
});

describe("UploadedArtifact<T> carries the shape the OP receives", () => {
  it("infers the shape from what is uploaded", async () => {
    expectTypeOf(await uploadArtifact("a.txt")).toEqualTypeOf<UploadedArtifact<string>>();
    expectTypeOf(await uploadArtifact(["a", "b"])).toEqualTypeOf<UploadedArtifact<string[]>>();
    expectTypeOf(await uploadArtifact({ a: "x", b: "y" })).toEqualTypeOf<UploadedArtifact<Record<string, string>>>();
    expectTypeOf<UploadedArtifact<string>>().toMatchTypeOf<ArtifactSource<string>>();
  });

  it("wires into inputs of the same shape only", () => {
    const one = {} as UploadedArtifact<string>;
    const many = {} as UploadedArtifact<string[]>;
    const map = {} as UploadedArtifact<Record<string, string>>;
    new Step({ name: "ok", template: op, artifacts: { one, many, map, tree: map } });
    // @ts-expect-error a list is not one path
    new Step({ name: "bad1", template: op, artifacts: { one: many } });
    // @ts-expect-error one path is not a list
    new Step({ name: "bad2", template: op, artifacts: { many: one } });
    // @ts-expect-error a record is not a list
    new Step({ name: "bad3", template: op, artifacts: { many: map } });
  });
});
