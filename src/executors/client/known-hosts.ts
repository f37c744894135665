// Host-key checking against an OpenSSH known_hosts file: plain and hashed (|1|salt|hash) host
// patterns, [host]:port, wildcards, negation, @revoked. @cert-authority lines are not supported.
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; reason: "unknown" | "changed" | "revoked"; keyType: string; fingerprint: string };

export class HostKeyError extends Error {}

export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString("latin1");
}

export function fingerprint(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

interface Entry {
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

function parse(file: string): Entry[] {
  if (!existsSync(file)) return [];
  const out: Entry[] = [];
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const f = line.split(/\s+/);
    const marker = f[0]!.startsWith("@") ? f.shift() : undefined;
    if (f.length < 3) continue;
    out.push({ marker, patterns: f[0]!, keyType: f[1]!, key: Buffer.from(f[2]!, "base64") });
  }
  return out;
}

function glob(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(name);
}

function matches(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) {
    const [, , salt, hash] = patterns.split("|");
    return createHmac("sha1", Buffer.from(salt ?? "", "base64")).update(name).digest("base64") === hash;
  }
  let hit = false;
  for (const p of patterns.split(",")) {
    if (p.startsWith("!")) {
      if (glob(p.slice(1), name)) return false;
    } else if (glob(p, name)) hit = true;
  }
  return hit;
}

/** Key types listed for this host (so that the client asks the server for one of those first). */
export function knownKeyTypes(file: string, host: string, port: number): string[] {
  const name = hostName(host, port);
  return [...new Set(parse(file).filter((e) => !e.marker && matches(e.patterns, name)).map((e) => e.keyType))];
}

export function verifyHostKey(file: string, host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = hostName(host, port);
  const keyType = keyTypeOf(blob);
  const entries = parse(file).filter((e) => matches(e.patterns, name));
  const bad = { keyType, fingerprint: fingerprint(blob) };
  if (entries.some((e) => e.marker === "@revoked" && e.key.equals(blob))) return { ok: false, reason: "revoked", ...bad };
  const plain = entries.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(blob))) return { ok: true };
  return { ok: false, reason: plain.some((e) => e.keyType === keyType) ? "changed" : "unknown", ...bad };
}

export function hostKeyMessage(v: Exclude<HostKeyVerdict, { ok: true }>, file: string, host: string, port: number): string {
  const name = hostName(host, port);
  const scan = `ssh-keyscan${port === 22 ? "" : ` -p ${port}`} -t ${v.keyType.replace(/^ssh-/, "")} ${host} >> ${file}`;
  if (v.reason === "changed")
    return [
      `host key verification failed: the ${v.keyType} key of ${name} is NOT the one in ${file} (REMOTE HOST IDENTIFICATION HAS CHANGED).`,
      `  Its key now has fingerprint ${v.fingerprint}. This may be a man-in-the-middle attack, or the host was reinstalled.`,
      `  If the change is expected, remove the old line (ssh-keygen -R '${name}' -f ${file}) and trust the new key: ${scan}`,
    ].join("\n");
  if (v.reason === "revoked") return `host key verification failed: the ${v.keyType} key of ${name} (${v.fingerprint}) is marked @revoked in ${file}.`;
  return [
    `host key verification failed: ${name} is not a known host (no ${v.keyType} key for it in ${file}).`,
    `  Its ${v.keyType} key has fingerprint ${v.fingerprint}.`,
    `  Check that fingerprint with the host's administrator, then trust it with:`,
    `    ${scan}`,
    `  (or connect once with ssh, or point knownHostsFile at a known_hosts file that lists it).`,
  ].join("\n");
}
