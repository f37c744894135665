/** Go's `strconv` for the conversions the expression languages expose. */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function inInt64Range(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Wrap to int64 the way Go's integer arithmetic overflows. */
export function wrapInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** strconv.Atoi / ParseInt(s, 10, 64): optional sign and decimal digits only. */
export function atoi(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return inInt64Range(v) ? v : undefined;
}

/** strconv.ParseInt(s, 0, 64): base prefixes 0x 0o 0b, legacy octal 0NN, underscores. */
export function parseIntBase0(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  let body = m[2]!;
  if (body.includes("_") && !underscoresOk(body)) return undefined;
  body = body.replaceAll("_", "");
  let v: bigint;
  if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else if (/^0[oObBxX]$/.test(body)) return undefined;
  else v = BigInt(body.toLowerCase());
  v *= sign;
  return inInt64Range(v) ? v : undefined;
}

/** Underscores only between digits, or between a base prefix and a digit. */
function underscoresOk(s: string): boolean {
  let body = s;
  let saw = "^";
  if (/^0[xXoObB]/.test(body)) {
    body = body.slice(2);
    saw = "0";
  }
  for (const c of body) {
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else if (/[0-9a-fA-F]/.test(c)) saw = "0";
    else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** strconv.ParseFloat(s, 64); undefined on a syntax error or overflow (Go returns an error). */
export function parseFloat64(s: string): number | undefined {
  const t = s.toLowerCase();
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special) {
    if (special[2] === "nan") return special[1] === "" ? Number.NaN : undefined;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (s.includes("_")) {
    if (!underscoresOk(s.replace(/^[+-]/, "").replace(/[.eEpP].*$/, ""))) return undefined;
  }
  const clean = s.replaceAll("_", "");
  let v: number;
  if (/^[+-]?0[xX]/.test(clean)) {
    const h = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(clean);
    if (!h || (h[2] === "" && (h[3] ?? "") === "")) return undefined;
    const frac = h[3] ?? "";
    const mant = Number.parseInt(`${h[2]}${frac}` || "0", 16);
    v = mant * 2 ** (Number(h[4]) - 4 * frac.length);
    if (h[1] === "-") v = -v;
  } else {
    if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(clean)) return undefined;
    v = Number(clean);
  }
  return Number.isFinite(v) ? v : undefined;
}

/** Shortest decimal digits of |x| and the decimal point position (value = 0.d1d2… × 10^dp). */
function shortestDigits(x: number): { digits: string; dp: number } {
  if (x === 0) return { digits: "0", dp: 1 };
  const [mant, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  return { digits: mant.replace(".", ""), dp: Number(exp) + 1 };
}

function formatE(neg: boolean, digits: string, dp: number): string {
  const exp = digits === "0" ? 0 : dp - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${neg ? "-" : ""}${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
}

function formatF(neg: boolean, digits: string, dp: number): string {
  let int: string;
  if (dp <= 0) int = "0";
  else int = digits.length >= dp ? digits.slice(0, dp) : digits + "0".repeat(dp - digits.length);
  const decimals = Math.max(digits.length - dp, 0);
  let frac = "";
  for (let i = 0; i < decimals; i++) {
    const k = dp + i;
    frac += k >= 0 && k < digits.length ? digits[k] : "0";
  }
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** strconv.FormatFloat(x, 'g', -1, 64), which is also fmt's %v for float64. */
export function formatFloatG(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const { digits, dp } = shortestDigits(x);
  const exp = dp - 1;
  // Go: "if precision was the shortest possible, use precision 6 for this decision".
  if (x !== 0 && (exp < -4 || exp >= 6)) return formatE(neg, digits, dp);
  return formatF(neg, digits, dp);
}

/** encoding/json's float64 text: like JS, but -0 stays "-0". Non-finite numbers are invalid. */
export function formatFloatJSON(x: number): string {
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: a double-quoted Go string literal with Go escapes for non-printables. */
export function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (PRINTABLE.test(c) && !(cp >= 0xd800 && cp <= 0xdfff)) out += c;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd";
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}
