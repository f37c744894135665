// grpc-gateway streams server-streaming calls (workflow logs) as one JSON object per line.
import { StringDecoder } from "node:string_decoder";

export class JsonLinesError extends Error {
  constructor(readonly line: string) {
    super(`a line of the stream is not JSON: ${line.slice(0, 120)}`);
    this.name = "JsonLinesError";
  }
}

/**
 * Parses a byte stream of newline-separated JSON values as the bytes arrive: a value split across
 * chunks (or a multi-byte character split across chunks) is put back together; blank lines are skipped.
 */
export async function* jsonLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  for await (const chunk of source) {
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const v = parseLine(line);
      if (v !== undefined) yield v;
    }
  }
  const last = parseLine(pending + decoder.end());
  if (last !== undefined) yield last;
}

function parseLine(line: string): unknown {
  const t = line.trim();
  if (t === "") return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw new JsonLinesError(t);
  }
}
