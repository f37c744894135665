// A long-lived `sh` on the remote host that runs commands one after another.
//
// A command on its own SSH channel makes sshd start the user's login shell, which on many
// clusters (and on this test host: pyenv in root's .bashrc) costs 0.3–1 s per command; polling and
// staging run many small commands. Each command runs in a subshell with stdin from /dev/null;
// its stdout goes to the channel, its stderr is captured and sent base64-encoded after a marker
// line that also carries the exit code.
import { randomBytes } from "node:crypto";
import type { ClientChannel } from "ssh2";
import type { ExecResult } from "../schedulers/types.ts";

export class RemoteShellClosed extends Error {}

interface Pending {
  command: string;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

export class RemoteShell {
  private readonly marker = `DFLOW-END-${randomBytes(8).toString("hex")}`;
  private buffer = Buffer.alloc(0);
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  closed = false;

  constructor(private readonly channel: ClientChannel) {
    channel.on("data", (chunk: Buffer) => this.onData(chunk));
    channel.stderr.on("data", () => undefined);
    channel.on("close", () => this.fail(new RemoteShellClosed("the remote shell closed")));
    channel.write("exec 3>&1\n");
  }

  get load(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  run(command: string): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new RemoteShellClosed("the remote shell is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.closed) return;
    const p = this.queue.shift();
    if (!p) return;
    this.current = p;
    this.buffer = Buffer.alloc(0);
    this.channel.write(
      `__dflow_err=$( ( ${p.command}\n) </dev/null 2>&1 1>&3 3>&- ); __dflow_rc=$?; ` +
        `printf '\\n%s %s %s\\n' ${this.marker} "$__dflow_rc" "$(printf %s "$__dflow_err" | base64 | tr -d '\\n')"\n`,
    );
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const at = this.buffer.indexOf(`\n${this.marker} `);
    if (at < 0) return;
    const end = this.buffer.indexOf("\n", at + 1);
    if (end < 0) return;
    const [, code = "1", err = ""] = this.buffer.subarray(at + 1, end).toString("latin1").split(" ");
    const stdout = this.buffer.subarray(0, at).toString("utf8");
    this.buffer = this.buffer.subarray(end + 1);
    const p = this.current!;
    this.current = undefined;
    p.resolve({ stdout, stderr: Buffer.from(err, "base64").toString("utf8"), code: Number(code) });
    this.next();
  }

  private fail(e: Error): void {
    this.closed = true;
    for (const p of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) p.reject(e);
    this.current = undefined;
  }

  close(): void {
    this.channel.end("exit\n");
  }
}
