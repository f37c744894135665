// File transfers over SFTP: files and whole directories, a few files at a time.
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import type { SFTPWrapper } from "ssh2";
import { shq } from "../shell-quote.ts";
import type { SshConnection } from "./ssh.ts";

const PARALLEL = 4;

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

const put = (sftp: SFTPWrapper, local: string, remote: string, mode: number) =>
  new Promise<void>((res, rej) => sftp.fastPut(local, remote, { mode }, (e) => (e ? rej(e) : res())));
const get = (sftp: SFTPWrapper, remote: string, local: string) =>
  new Promise<void>((res, rej) => sftp.fastGet(remote, local, (e) => (e ? rej(e) : res())));

export function writeRemoteFile(conn: SshConnection, remote: string, data: string, mode = 0o644): Promise<void> {
  return conn.transfer(
    (sftp) => new Promise<void>((res, rej) => sftp.writeFile(remote, data, { mode }, (e) => (e ? rej(e) : res()))),
  );
}

export interface Upload {
  local: string;
  remote: string;
}

/** Uploads files or directories (recursively); creates the remote directories first. */
export async function upload(conn: SshConnection, items: readonly Upload[]): Promise<void> {
  const dirs = new Set<string>();
  const files: { local: string; remote: string; mode: number }[] = [];
  const walk = (local: string, remote: string) => {
    const st = statSync(local);
    if (st.isDirectory()) {
      dirs.add(remote);
      for (const e of readdirSync(local)) walk(join(local, e), posix.join(remote, e));
    } else {
      dirs.add(posix.dirname(remote));
      files.push({ local, remote, mode: st.mode & 0o777 });
    }
  };
  for (const it of items) walk(it.local, it.remote);
  if (dirs.size) {
    const r = await conn.exec(`mkdir -p ${[...dirs].map(shq).join(" ")}`);
    if (r.code !== 0) throw new Error(`creating remote directories failed: ${r.stderr.trim()}`);
  }
  await eachLimited(files, (f) => conn.transfer((sftp) => put(sftp, f.local, f.remote, f.mode)));
}

/**
 * Downloads remote files or directories that exist (recursively, following symlinks); returns the
 * remote paths that were found.
 */
export async function download(conn: SshConnection, items: readonly Upload[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const script = items
    .map(
      (it, i) =>
        `p=${shq(it.remote)}; if [ -d "$p" ]; then find -L "$p" -type d -exec printf '${i} d %s\\n' {} +; find -L "$p" -type f -exec printf '${i} f %s\\n' {} +; elif [ -f "$p" ]; then printf '${i} f %s\\n' "$p"; fi`,
    )
    .join("\n");
  const r = await conn.exec(script);
  if (r.code !== 0) throw new Error(`listing remote outputs failed: ${r.stderr.trim()}`);
  const found = new Set<string>();
  const files: { remote: string; local: string }[] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^(\d+) ([df]) (.*)$/.exec(line);
    if (!m) continue;
    const it = items[Number(m[1])]!;
    found.add(it.remote);
    const local = join(it.local, posix.relative(it.remote, m[3]!));
    if (m[2] === "d") mkdirSync(local, { recursive: true });
    else {
      mkdirSync(dirname(local), { recursive: true });
      files.push({ remote: m[3]!, local });
    }
  }
  await eachLimited(files, (f) => conn.transfer((sftp) => get(sftp, f.remote, f.local)));
  return found;
}

export function readRemoteFile(conn: SshConnection, remote: string): Promise<Buffer | undefined> {
  return conn.transfer(
    (sftp) =>
      new Promise<Buffer | undefined>((res, rej) =>
        sftp.readFile(remote, (e: (Error & { code?: number }) | null | undefined, data: Buffer) => {
          if (e) return e.code === 2 ? res(undefined) : rej(e); // 2 = SSH_FX_NO_SUCH_FILE
          res(data);
        }),
      ),
  );
}
