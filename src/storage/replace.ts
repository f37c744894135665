import { lstat, rename, rm } from "node:fs/promises";
import { tempPathFor } from "./atomic-file.ts";

/**
 * Moves `src` (file or directory, on the same filesystem) to `dest`, replacing whatever `dest`
 * was. The old `dest` is moved aside first and removed only after the new one is in place, and
 * restored if the move fails.
 */
export async function replacePath(src: string, dest: string): Promise<void> {
  const old = await lstat(dest).then(() => tempPathFor(dest), () => undefined);
  if (old) await rename(dest, old);
  try {
    await rename(src, dest);
  } catch (e) {
    if (old) await rename(old, dest);
    throw e;
  }
  if (old) await rm(old, { recursive: true, force: true });
}
