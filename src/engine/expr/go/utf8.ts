/**
 * Go strings are UTF-8 byte sequences; JS strings are UTF-16. These helpers give the byte view
 * where Go semantics depend on it (len, indexing, slicing, byte offsets).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

export function toBytes(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromBytes(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Number of bytes of `s` in UTF-8 (Go's len(s)). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Byte offset in UTF-8 of the UTF-16 index `unit` of `s`. */
export function byteOffset(s: string, unit: number): number {
  return unit < 0 ? -1 : byteLength(s.slice(0, unit));
}

/** Go's s[a:b] on bytes; invalid sequences at the cut become U+FFFD. */
export function sliceBytes(s: string, a: number, b: number): string {
  return fromBytes(toBytes(s).subarray(a, b));
}

/** Code points of `s` (Go's range over a string, or []rune(s)). */
export function runes(s: string): string[] {
  return Array.from(s);
}

export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Go's string ordering (bytewise UTF-8, i.e. by code point), unlike JS's UTF-16 ordering. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const hx = x >= 0xd800 && x <= 0xdfff;
      const hy = y >= 0xd800 && y <= 0xdfff;
      if (hx !== hy) return hx ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
