import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { Header } from "tar";

/** One raw tar entry, exactly as a hostile archive could hold it (no normalisation). */
export interface RawEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "BlockDevice" | "FIFO";
  linkpath?: string;
  content?: string;
}

/** Writes a (gzipped) ustar archive with these entries. */
export function writeTarball(file: string, entries: RawEntry[], gzip = true): string {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.content ?? "");
    const type = e.type ?? "File";
    const h = new Header({
      path: e.path,
      type,
      mode: type === "Directory" ? 0o755 : 0o644,
      size: type === "File" ? body.length : 0,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(e.linkpath !== undefined ? { linkpath: e.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (type === "File" && body.length) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tarData = Buffer.concat(blocks);
  writeFileSync(file, gzip ? gzipSync(tarData) : tarData);
  return file;
}
