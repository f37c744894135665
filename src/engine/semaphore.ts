/** Counting semaphore; an infinite limit never blocks. Waiters are served in FIFO order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Acquire several semaphores in a fixed order (callers always pass them outermost first). */
export async function acquireAll(semaphores: readonly Semaphore[]): Promise<() => void> {
  const releases: (() => void)[] = [];
  for (const s of semaphores) releases.push(await s.acquire());
  return () => {
    for (const r of releases.reverse()) r();
  };
}
