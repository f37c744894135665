import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packArchive, StorageError, unpackArchive } from "../../src/storage/index.ts";
import { tempDir } from "./helpers.ts";
import { writeTarball, type RawEntry } from "./tarball.ts";

const root = tempDir("archive");
let n = 0;

/** A fresh sandbox: `<box>/in/dest` is where we unpack; anything else appearing in `<box>` is a leak. */
function sandbox() {
  const box = join(root, `box${n++}`);
  mkdirSync(join(box, "in"), { recursive: true });
  return { box, dest: join(box, "in", "dest"), tgz: join(box, "a.tgz") };
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      if (lstatSync(join(d, name)).isDirectory()) walk(join(d, name), r);
    }
  };
  walk(dir, "");
  return out.sort();
}

const hostile: Array<[string, RawEntry[]]> = [
  ["a '..' entry", [{ path: "ok.txt", content: "ok" }, { path: "../evil.txt", content: "x" }]],
  ["a nested '..' entry", [{ path: "d/../../evil.txt", content: "x" }]],
  ["an absolute entry", [{ path: "/tmp/dflow-evil-absolute.txt", content: "x" }]],
  ["a symlink to an absolute path", [{ path: "l", type: "SymbolicLink", linkpath: "/etc" }]],
  ["a symlink escaping upwards", [{ path: "d/l", type: "SymbolicLink", linkpath: "../../.." }]],
  ["a file written through a symlink", [{ path: "l", type: "SymbolicLink", linkpath: "." }, { path: "l/x", content: "x" }]],
  ["a symlink placed through another one", [{ path: "a", type: "SymbolicLink", linkpath: "." }, { path: "a/l", type: "SymbolicLink", linkpath: ".." }]],
  ["a hard link outside", [{ path: "h", type: "Link", linkpath: "../../evil" }]],
  ["a hard link to an absolute path", [{ path: "h", type: "Link", linkpath: "/etc/passwd" }]],
  ["a character device", [{ path: "tty", type: "CharacterDevice" }]],
  ["a block device", [{ path: "disk", type: "BlockDevice" }]],
  ["a FIFO", [{ path: "pipe", type: "FIFO" }]],
  ["a link climbing out through another link", [
    { path: "a/", type: "Directory" },
    { path: "a/l2", type: "SymbolicLink", linkpath: ".." },
    { path: "l1", type: "SymbolicLink", linkpath: "a/l2/.." },
  ]],
  ["a lone top-level link (it would become the destination, pointing at its parent)", [{ path: "l", type: "SymbolicLink", linkpath: "." }]],
];

describe("unpackArchive refuses hostile archives and leaves nothing behind", () => {
  it.each(hostile)("%s", async (_label, entries) => {
    const { box, dest, tgz } = sandbox();
    writeTarball(tgz, entries);
    await expect(unpackArchive(tgz, dest)).rejects.toBeInstanceOf(StorageError);
    expect(allFiles(box)).toEqual(["a.tgz", "in"]);
    expect(existsSync("/tmp/dflow-evil-absolute.txt")).toBe(false);
  });

  it("also when the archive is not gzipped", async () => {
    const { box, dest, tgz } = sandbox();
    writeTarball(tgz, [{ path: "../evil.txt", content: "x" }], false);
    await expect(unpackArchive(tgz, dest)).rejects.toBeInstanceOf(StorageError);
    expect(allFiles(box)).toEqual(["a.tgz", "in"]);
  });

  it("keeps a previous destination when the new archive is refused", async () => {
    const { dest, tgz } = sandbox();
    mkdirSync(dest);
    writeFileSync(join(dest, "old"), "old");
    writeTarball(tgz, [{ path: "../evil", content: "x" }]);
    await expect(unpackArchive(tgz, dest)).rejects.toThrow();
    expect(readFileSync(join(dest, "old"), "utf8")).toBe("old");
  });
});

describe("unpackArchive follows Argo's single-entry rule", () => {
  it("a single top-level directory becomes the destination", async () => {
    const { dest, tgz } = sandbox();
    writeTarball(tgz, [{ path: "art/", type: "Directory" }, { path: "art/a.txt", content: "A" }, { path: "art/s/b.txt", content: "B" }]);
    await unpackArchive(tgz, dest);
    expect(allFiles(dest)).toEqual(["a.txt", "s", "s/b.txt"]);
  });

  it("a single file becomes the destination file", async () => {
    const { dest, tgz } = sandbox();
    writeTarball(tgz, [{ path: "only.txt", content: "alone" }]);
    await unpackArchive(tgz, dest);
    expect(readFileSync(dest, "utf8")).toBe("alone");
  });

  it("several top-level entries fill the destination directory, and inside links are kept", async () => {
    const { dest, tgz } = sandbox();
    writeTarball(tgz, [
      { path: "x.txt", content: "X" },
      { path: "d/", type: "Directory" },
      { path: "d/up", type: "SymbolicLink", linkpath: "../x.txt" },
      { path: "hard", type: "Link", linkpath: "x.txt" },
    ]);
    await unpackArchive(tgz, dest);
    expect(allFiles(dest)).toEqual(["d", "d/up", "hard", "x.txt"]);
    expect(readlinkSync(join(dest, "d/up"))).toBe("../x.txt");
    expect(readFileSync(join(dest, "hard"), "utf8")).toBe("X");
  });

  it("replaces what was at the destination", async () => {
    const { dest, tgz } = sandbox();
    mkdirSync(dest);
    writeFileSync(join(dest, "stale"), "stale");
    writeTarball(tgz, [{ path: "a/", type: "Directory" }, { path: "a/new", content: "new" }]);
    await unpackArchive(tgz, dest);
    expect(allFiles(dest)).toEqual(["new"]);
  });
});

describe("packArchive", () => {
  it("round-trips a directory with an inside link, streamed and atomic", async () => {
    const { box, dest } = sandbox();
    const src = join(box, "src");
    mkdirSync(join(src, "sub"), { recursive: true });
    writeFileSync(join(src, "a.txt"), "A");
    writeFileSync(join(src, "sub", "zeros"), Buffer.alloc(8 << 20));
    symlinkSync("../a.txt", join(src, "sub", "link"));
    const tgz = join(box, "out.tgz");
    const { md5, bytes } = await packArchive(src, tgz, { dereference: false });
    expect(md5).toMatch(/^[0-9a-f]{32}$/);
    expect(bytes).toBeLessThan(1 << 20); // zeros compress far beyond tar's default 1000:1 guard
    await unpackArchive(tgz, dest);
    expect(allFiles(dest)).toEqual(["a.txt", "sub", "sub/link", "sub/zeros"]);
    expect(readlinkSync(join(dest, "sub/link"))).toBe("../a.txt");
    expect(readFileSync(join(dest, "sub/zeros")).length).toBe(8 << 20);
  });

  it("dereferences links by default (dflow's upload)", async () => {
    const { box, dest } = sandbox();
    writeFileSync(join(box, "target.txt"), "T");
    mkdirSync(join(box, "src"));
    symlinkSync(join(box, "target.txt"), join(box, "src", "abs-link"));
    await packArchive(join(box, "src"), join(box, "o.tgz"));
    await unpackArchive(join(box, "o.tgz"), dest);
    expect(lstatSync(join(dest, "abs-link")).isFile()).toBe(true);
  });

  it("a missing source fails before any output exists; an aborted pack leaves no file", async () => {
    const { box } = sandbox();
    await expect(packArchive(join(box, "nope"), join(box, "o.tgz"))).rejects.toThrow(/ENOENT/);
    mkdirSync(join(box, "big"));
    writeFileSync(join(box, "big", "f"), Buffer.alloc(64 << 20, 3));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop")), 20);
    await expect(packArchive(join(box, "big"), join(box, "o.tgz"), { signal: ac.signal })).rejects.toThrow();
    expect(allFiles(box).filter((f) => !f.startsWith("big") && f !== "in")).toEqual([]);
  });
});
