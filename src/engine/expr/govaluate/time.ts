/**
 * govaluate's tryParseTime: a quoted string literal that parses with one of these Go layouts
 * becomes a TIME token, i.e. the number of Unix seconds. Go parses in time.Local; the Argo
 * controller runs with TZ=UTC, so zone-less layouts are read as UTC here.
 */

type Elem =
  | { readonly lit: string }
  | "year"
  | "month"
  | "monthName"
  | "day"
  | "dayUnder"
  | "weekday"
  | "hour"
  | "hour12"
  | "minute"
  | "second"
  | "frac"
  | "pm"
  | "tzName"
  | "numTZ"
  | "numColonTZ"
  | "isoTZ"
  | "isoColonTZ";

/** Layouts tokenized by hand, in govaluate's order (ANSIC, UnixDate, RubyDate, Kitchen, …). */
const L = (s: string): Elem => ({ lit: s });
const LAYOUTS: readonly (readonly Elem[])[] = [
  ["weekday", L(" "), "monthName", L(" "), "dayUnder", L(" "), "hour", L(":"), "minute", L(":"), "second", L(" "), "year"],
  ["weekday", L(" "), "monthName", L(" "), "dayUnder", L(" "), "hour", L(":"), "minute", L(":"), "second", L(" "), "tzName", L(" "), "year"],
  ["weekday", L(" "), "monthName", L(" "), "day", L(" "), "hour", L(":"), "minute", L(":"), "second", L(" "), "numTZ", L(" "), "year"],
  ["hour12", L(":"), "minute", "pm"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", L(":"), "minute", L(":"), "second", "isoColonTZ"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", L(":"), "minute", L(":"), "second", "frac", "isoColonTZ"],
  ["year", L("-"), "month", L("-"), "day"],
  ["year", L("-"), "month", L("-"), "day", L(" "), "hour", L(":"), "minute"],
  ["year", L("-"), "month", L("-"), "day", L(" "), "hour", L(":"), "minute", L(":"), "second"],
  ["year", L("-"), "month", L("-"), "day", L(" "), "hour", L(":"), "minute", L(":"), "second", "numColonTZ"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", "isoTZ"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", L(":"), "minute", "isoTZ"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", L(":"), "minute", L(":"), "second", "isoTZ"],
  ["year", L("-"), "month", L("-"), "day", L("T"), "hour", L(":"), "minute", L(":"), "second", "frac", "isoTZ"],
];

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  pm?: boolean;
  offset: number;
}

/** Go's getnum: one or two digits, exactly two when `fixed`. */
function getnum(v: string, fixed: boolean): [number, string] | undefined {
  if (!/^[0-9]/.test(v)) return undefined;
  if (!/^[0-9]{2}/.test(v)) return fixed ? undefined : [Number(v[0]), v.slice(1)];
  return [Number(v.slice(0, 2)), v.slice(2)];
}

function skipLiteral(v: string, lit: string): string | undefined {
  let value = v;
  let prefix = lit;
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return undefined;
      prefix = prefix.replace(/^ +/, "");
      value = value.replace(/^ +/, "");
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return undefined;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function tzOffset(sign: string, hh: string, mm: string): number | undefined {
  if ((sign !== "+" && sign !== "-") || !/^[0-9]{2}$/.test(hh) || !/^[0-9]{2}$/.test(mm)) return undefined;
  const h = Number(hh);
  const m = Number(mm);
  if (h > 24 || m > 60) return undefined;
  return (sign === "-" ? -1 : 1) * (h * 3600 + m * 60);
}

/** Length of a time zone abbreviation at the start of `v` (Go's parseTimeZone), or 0. */
function tzNameLength(v: string): number {
  if (v.startsWith("ChST") || v.startsWith("MeST")) return 4;
  if (v.startsWith("GMT")) {
    const m = /^GMT([+-][0-9]{1,2})?/.exec(v)!;
    return m[0].length;
  }
  const upper = /^[A-Z]*/.exec(v)![0].length;
  if (upper === 3) return 3;
  if (upper === 4 && v[3] === "T") return 4;
  if (upper >= 5 && v[4] === "T") return 5;
  return 0;
}

function parseElem(e: Elem, v: string, f: Fields, next: Elem | undefined): string | undefined {
  if (typeof e === "object") return skipLiteral(v, e.lit);
  let r: [number, string] | undefined;
  switch (e) {
    case "year":
      if (!/^[+-]?[0-9]+$/.test(v.slice(0, 4)) || v.length < 4) return undefined;
      f.year = Number(v.slice(0, 4));
      return v.slice(4);
    case "month":
      if (!(r = getnum(v, true)) || r[0] < 1 || r[0] > 12) return undefined;
      f.month = r[0];
      return r[1];
    case "monthName":
    case "weekday": {
      const i = (e === "monthName" ? MONTHS : DAYS).indexOf(v.slice(0, 3).toLowerCase());
      if (v.length < 3 || i < 0) return undefined;
      if (e === "monthName") f.month = i + 1;
      return v.slice(3);
    }
    case "day":
    case "dayUnder":
      if (!(r = getnum(e === "dayUnder" && v.startsWith(" ") ? v.slice(1) : v, e === "day"))) return undefined;
      f.day = r[0];
      return r[1];
    case "hour":
      if (!(r = getnum(v, false)) || r[0] >= 24) return undefined;
      f.hour = r[0];
      return r[1];
    case "hour12":
      if (!(r = getnum(v, false)) || r[0] > 12) return undefined;
      f.hour = r[0];
      return r[1];
    case "minute":
    case "second": {
      if (!(r = getnum(v, true)) || r[0] >= 60) return undefined;
      if (e === "minute") f.minute = r[0];
      else f.second = r[0];
      // Go accepts fractional seconds after the seconds field even if the layout has none.
      const frac = /^[.,][0-9]+/.exec(r[1]);
      return e === "second" && frac && next !== "frac" ? r[1].slice(frac[0].length) : r[1];
    }
    case "frac": {
      const frac = /^[.,][0-9]+/.exec(v);
      return frac ? v.slice(frac[0].length) : v;
    }
    case "pm":
      if (v.startsWith("PM")) f.pm = true;
      else if (v.startsWith("AM")) f.pm = false;
      else return undefined;
      return v.slice(2);
    case "tzName": {
      const n = tzNameLength(v);
      return n === 0 ? undefined : v.slice(n);
    }
    case "isoTZ":
    case "isoColonTZ":
      if (v.startsWith("Z")) return v.slice(1);
    // falls through
    case "numTZ":
    case "numColonTZ": {
      const colon = e === "numColonTZ" || e === "isoColonTZ";
      const text = v.slice(0, colon ? 6 : 5);
      if (colon && text[3] !== ":") return undefined;
      const off = tzOffset(text.slice(0, 1), text.slice(1, 3), colon ? text.slice(4, 6) : text.slice(3, 5));
      if (off === undefined) return undefined;
      f.offset = off;
      return v.slice(colon ? 6 : 5);
    }
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function parseLayout(layout: readonly Elem[], candidate: string): number | undefined {
  const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, offset: 0 };
  let v: string | undefined = candidate;
  for (let i = 0; i < layout.length && v !== undefined; i++) v = parseElem(layout[i]!, v, f, layout[i + 1]);
  if (v === undefined || v.length > 0) return undefined;
  if (f.pm === true && f.hour < 12) f.hour += 12;
  if (f.pm === false && f.hour === 12) f.hour = 0;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
  return daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 + f.second - f.offset;
}

/** Unix seconds if `candidate` is a date/time govaluate recognises, else undefined. */
export function tryParseTime(candidate: string): number | undefined {
  for (const layout of LAYOUTS) {
    const t = parseLayout(layout, candidate);
    if (t !== undefined) return t;
  }
  return undefined;
}
