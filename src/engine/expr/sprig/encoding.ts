/** sprig's JSON, base64/32, hashes, regexps, paths, reflection and misc functions. */
import { createHash, randomUUID } from "node:crypto";
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { marshal, unmarshal } from "../go/json.ts";
import { fromBytes, toBytes } from "../go/utf8.ts";
import { GoRegexp, quoteMeta } from "../re2/regexp.ts";
import { deepEqual, type GoFunction, goTypeName, type Value } from "../values.ts";
import { define, kindOf } from "./define.ts";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let j = 0; j < 5; j++) bits = (bits << 8n) | BigInt(chunk[j] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let j = 0; j < 8; j++) out += j < chars ? B32[Number((bits >> BigInt(35 - 5 * j)) & 31n)] : "=";
  }
  return out;
}

function base32Decode(s: string): Uint8Array | string {
  const clean = s.replace(/[\r\n]/g, "");
  if (clean.length % 8 !== 0) return `illegal base32 data at input byte ${clean.length - (clean.length % 8)}`;
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 8) {
    const block = clean.slice(i, i + 8);
    const body = block.replace(/=+$/, "");
    const valid = [8, 7, 5, 4, 2];
    const bad = [...body].findIndex((c) => !B32.includes(c));
    if (bad >= 0 || !valid.includes(body.length) || (body.length < 8 && i + 8 !== clean.length)) {
      return `illegal base32 data at input byte ${i + (bad >= 0 ? bad : body.length)}`;
    }
    let bits = 0n;
    for (let j = 0; j < 8; j++) bits = (bits << 5n) | BigInt(j < body.length ? B32.indexOf(body[j]!) : 0);
    const n = Math.floor((body.length * 5) / 8);
    for (let j = 0; j < n; j++) out.push(Number((bits >> BigInt(32 - 8 * j)) & 255n));
  }
  return Uint8Array.from(out);
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Decode(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  const bad = [...clean].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  if (!B64.test(clean) || clean.length % 4 !== 0) {
    const pad = clean.indexOf("=");
    return `illegal base64 data at input byte ${pad >= 0 && pad < clean.length - 2 ? pad : clean.length - (clean.length % 4 || 4)}`;
  }
  return fromBytes(Buffer.from(clean, "base64"));
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

function basePath(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

function dirPath(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf("/") + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

function compileOrFault(re: string): GoRegexp {
  return GoRegexp.compile(re);
}

function regexFns(must: boolean): Record<string, GoFunction> {
  const p = must ? "mustRegex" : "regex";
  return {
    [`${p}Match`]: define(`${p}Match`, ["string", "string"], ([re, s], budget) => {
      if (must) return compileOrFault(re).test(s, budget);
      try {
        return GoRegexp.compile(re).test(s, budget);
      } catch (e) {
        if (e instanceof Fault && e.message.startsWith("error parsing regexp")) return false;
        throw e;
      }
    }),
    [`${p}FindAll`]: define(`${p}FindAll`, ["string", "string", "int"], ([re, s, n], budget) => compileOrFault(re).findAll(s, Number(n), budget)),
    [`${p}Find`]: define(`${p}Find`, ["string", "string"], ([re, s], budget) => compileOrFault(re).find(s, budget) ?? ""),
    [`${p}ReplaceAll`]: define(`${p}ReplaceAll`, ["string", "string", "string"], ([re, s, r], budget) => compileOrFault(re).replaceAll(s, r, false, budget)),
    [`${p}ReplaceAllLiteral`]: define(`${p}ReplaceAllLiteral`, ["string", "string", "string"], ([re, s, r], budget) =>
      compileOrFault(re).replaceAll(s, r, true, budget),
    ),
    [`${p}Split`]: define(`${p}Split`, ["string", "string", "int"], ([re, s, n], budget) => compileOrFault(re).split(s, Number(n), budget)),
  };
}

function jsonFns(): Record<string, GoFunction> {
  const lenient = (f: () => Value, fallback: Value): Value => {
    try {
      return f();
    } catch (e) {
      if (e instanceof Fault) return fallback;
      throw e;
    }
  };
  const enc = (v: Value, budget: Budget, indent: string, escapeHTML: boolean): string => marshal(v, { indent, escapeHTML, budget });
  return {
    toJson: define("toJson", ["any"], ([v], b) => lenient(() => enc(v, b, "", true), "")),
    mustToJson: define("mustToJson", ["any"], ([v], b) => enc(v, b, "", true)),
    toPrettyJson: define("toPrettyJson", ["any"], ([v], b) => lenient(() => enc(v, b, "  ", true), "")),
    mustToPrettyJson: define("mustToPrettyJson", ["any"], ([v], b) => enc(v, b, "  ", true)),
    toRawJson: define("toRawJson", ["any"], ([v], b) => lenient(() => enc(v, b, "", false), "")),
    mustToRawJson: define("mustToRawJson", ["any"], ([v], b) => enc(v, b, "", false)),
    fromJson: define("fromJson", ["string"], ([s], b) => lenient(() => unmarshal(s, b), null)),
    mustFromJson: define("mustFromJson", ["string"], ([s], b) => unmarshal(s, b)),
  };
}

export function encodingFunctions(): Record<string, GoFunction> {
  const hash = (algo: string) => (s: string) => createHash(algo).update(toBytes(s)).digest("hex");
  const path = (name: string, f: (p: string) => Value): Record<string, GoFunction> => {
    const os = `os${name[0]!.toUpperCase()}${name.slice(1)}`;
    return { [name]: define(name, ["string"], ([p]) => f(p)), [os]: define(os, ["string"], ([p]) => f(p)) };
  };
  return {
    ...jsonFns(),
    ...regexFns(false),
    ...regexFns(true),
    regexQuoteMeta: define("regexQuoteMeta", ["string"], ([s]) => quoteMeta(s)),
    b64enc: define("b64enc", ["string"], ([s]) => Buffer.from(toBytes(s)).toString("base64")),
    b64dec: define("b64dec", ["string"], ([s]) => base64Decode(s)),
    b32enc: define("b32enc", ["string"], ([s]) => base32Encode(toBytes(s))),
    b32dec: define("b32dec", ["string"], ([s]) => {
      const r = base32Decode(s);
      return typeof r === "string" ? r : fromBytes(r);
    }),
    sha1sum: define("sha1sum", ["string"], ([s]) => hash("sha1")(s)),
    sha256sum: define("sha256sum", ["string"], ([s]) => hash("sha256")(s)),
    sha512sum: define("sha512sum", ["string"], ([s]) => hash("sha512")(s)),
    adler32sum: define("adler32sum", ["string"], ([s]) => String(adler32(toBytes(s)))),
    ...path("base", basePath),
    ...path("dir", dirPath),
    ...path("clean", cleanPath),
    ...path("ext", extPath),
    ...path("isAbs", (p) => p.startsWith("/")),
    typeOf: define("typeOf", ["any"], ([v]) => goTypeName(v)),
    typeIs: define("typeIs", ["string", "any"], ([t, v]) => t === goTypeName(v)),
    typeIsLike: define("typeIsLike", ["string", "any"], ([t, v]) => t === goTypeName(v) || t === `*${goTypeName(v)}`),
    kindOf: define("kindOf", ["any"], ([v]) => kindOf(v)),
    kindIs: define("kindIs", ["string", "any"], ([t, v]) => t === kindOf(v)),
    deepEqual: define("deepEqual", ["any", "any"], ([a, b]) => deepEqual(a, b)),
    uuidv4: define("uuidv4", [], () => randomUUID()),
    fail: define("fail", ["string"], ([msg]) => {
      throw new Fault(msg);
    }),
  };
}
