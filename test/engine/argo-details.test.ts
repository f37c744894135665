import { describe, expect, it } from "vitest";
import { containerPathMap } from "../../src/engine/paths.ts";
import { aggregatedJsonValueList } from "../../src/engine/scope.ts";
import { decodeParam } from "../../src/op/codec.ts";
import { z } from "zod";

describe("aggregated outputs of a loop (Argo's aggregatedJSONValueList)", () => {
  // The cases of Argo's own TestAggregatedJsonValueList.
  const cases: [string[], string][] = [
    [["1"], '["1"]'],
    [["1", "2"], '["1","2"]'],
    [["foo", "bar"], '["foo","bar"]'],
    [['["1"]', "2"], '["[\\"1\\"]","2"]'],
    [['{"foo":"1"}', "2"], '["{\\"foo\\":\\"1\\"}","2"]'],
    [['["1"]', '["2"]'], '[["1"],["2"]]'],
    [[' ["1"]', '["2"] '], '[["1"],["2"]]'],
    [['{"number":"1"}', '{"number":"2"}'], '[{"number":"1"},{"number":"2"}]'],
  ];
  for (const [input, expected] of cases) it(JSON.stringify(input), () => expect(aggregatedJsonValueList(input)).toBe(expected));

  it("function OPs read aggregated scalars back as the values they were", async () => {
    expect(await decodeParam(z.array(z.number()), '["1","4"]')).toEqual({ ok: true, value: [1, 4] });
    expect(await decodeParam(z.array(z.string()), '["1","4"]')).toEqual({ ok: true, value: ["1", "4"] });
    expect((await decodeParam(z.array(z.number()), '["1","x"]')).ok).toBe(false);
  });
});

describe("private paths of a pod step", () => {
  it("treats the top-level directory of declared paths as the container's own", () => {
    const m = containerPathMap("/w", ["/tmp/out/foo.txt", "/usr/share/thing"]);
    expect(m.rewrite("mkdir -p /tmp/out && echo x > /tmp/out/foo.txt; ls /tmp")).toBe("mkdir -p /w/tmp/out && echo x > /w/tmp/out/foo.txt; ls /w/tmp");
    expect(m.rewrite("/usr/bin/python3 /usr/share/thing /usr/share/other")).toBe("/usr/bin/python3 /w/usr/share/thing /usr/share/other");
    expect(m.rewrite("/tmpx /x/tmp/out")).toBe("/tmpx /x/tmp/out");
  });
});
