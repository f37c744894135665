// Live progress of a local run on stderr: a redrawn summary on a TTY, plain lines otherwise.
import type { EngineEvent, StepRecord } from "../engine/index.ts";

const LEAF = new Set(["Pod", "Suspend"]);
const REDRAW_MS = 100;

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Force plain line output even on a TTY. */
  plain?: boolean;
}

export class ProgressView {
  private readonly steps = new Map<string, StepRecord>();
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = !opts.plain && !!this.stream.isTTY;
  }

  readonly onEvent = (e: EngineEvent): void => {
    if (e.type === "workflow") return;
    const s = e.step;
    if (!LEAF.has(s.type) && !(s.type === "Skipped" && e.change === "finished")) return;
    this.steps.set(s.id, s);
    if (this.tty) this.schedule();
    else if (e.change === "finished" && s.type !== "Skipped") this.stream.write(`${symbol(s.phase)} ${s.name} ${s.phase}${duration(s)}${s.message ? `: ${s.message}` : ""}\n`);
  };

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, REDRAW_MS);
  }

  private draw(): void {
    const lines = [this.summary()];
    const running = [...this.steps.values()].filter((s) => s.phase === "Running");
    const cols = this.stream.columns ?? 100;
    for (const s of running.slice(0, 10)) lines.push(`  ▸ ${s.name}${s.progress ? ` [${s.progress}]` : ""}${duration(s)}`.slice(0, cols - 1));
    if (running.length > 10) lines.push(`  … and ${running.length - 10} more running`);
    const clear = this.drawn > 0 ? `\x1b[${this.drawn}A\x1b[J` : "";
    this.stream.write(clear + lines.join("\n") + "\n");
    this.drawn = lines.length;
  }

  summary(): string {
    let done = 0;
    let running = 0;
    let failed = 0;
    let pending = 0;
    let skipped = 0;
    for (const s of this.steps.values()) {
      if (s.phase === "Running") running++;
      else if (s.phase === "Pending") pending++;
      else if (s.phase === "Failed" || s.phase === "Error") failed++;
      else if (s.phase === "Skipped" || s.phase === "Omitted") skipped++;
      else done++;
    }
    return `steps: ${done} done, ${running} running, ${pending} pending, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
  }

  /** Final redraw (TTY) so the last state stays on screen. */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
    else this.stream.write(this.summary() + "\n");
  }
}

function symbol(phase: string): string {
  return phase === "Succeeded" ? "✓" : phase === "Failed" || phase === "Error" ? "✗" : "•";
}

export function duration(s: Pick<StepRecord, "startedAt" | "finishedAt" | "phase">): string {
  if (!s.startedAt) return "";
  const end = s.finishedAt ? Date.parse(s.finishedAt) : Date.now();
  return ` (${formatSeconds((end - Date.parse(s.startedAt)) / 1000)})`;
}

export function formatSeconds(sec: number): string {
  if (sec < 60) return `${sec.toFixed(1)}s`;
  const m = Math.floor(sec / 60);
  return m < 60 ? `${m}m${Math.round(sec % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}
