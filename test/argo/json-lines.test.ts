import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonLines } from "../../src/argo/client/index.ts";

async function parse(chunks: (Buffer | string)[]): Promise<unknown[]> {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: unknown[] = [];
  for await (const v of jsonLines(source())) out.push(v);
  return out;
}

describe("jsonLines (grpc-gateway streams)", () => {
  it("parses values split anywhere, multi-byte characters included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), async (values, cuts) => {
        const bytes = Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join("") + "\n");
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, bytes.length].slice(1).map((end, i, a) => bytes.subarray(i === 0 ? 0 : a[i - 1]!, end));
        expect(await parse(chunks)).toEqual(JSON.parse(JSON.stringify(values)));
      }),
    );
  });

  it("takes a last line without a newline and skips blank lines", async () => {
    expect(await parse(['{"a":1}\n\n  \n{"b"', ":2}"])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("throws on a line that is not JSON", async () => {
    await expect(parse(['{"a":1}\nnot json\n'])).rejects.toThrow(/not JSON: not json/);
  });
});
