// SSH connections of the dispatcher client. Connections are cached per process (the one piece of
// process-wide state, kept on globalThis so that every dispatcher bundle loaded in a warm worker
// shares it): many steps in one worker use one connection, one SSH channel per command.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm, type SFTPWrapper } from "ssh2";
import type { ConnectionSpec } from "../job-spec.ts";
import type { ExecResult } from "../schedulers/types.ts";
import { RemoteShell, RemoteShellClosed } from "./remote-shell.ts";
import { HostKeyError, hostKeyMessage, hostName, knownKeyTypes, verifyHostKey, type HostKeyVerdict } from "./known-hosts.ts";

/** A network-level failure: the step may succeed when retried. */
export class ConnectionError extends Error {}

const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/** Remote shells per connection (commands of one shell run one after another). */
const SHELLS = 3;
/** Channels per connection at once: sshd's MaxSessions defaults to 10. */
const MAX_CHANNELS = 8;

export class SshConnection {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly shells = new Set<RemoteShell>();
  private opening = 0;
  closed = false;

  constructor(
    readonly key: string,
    private readonly client: Client,
  ) {
    client.on("close", () => (this.closed = true));
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Runs a command in one of the connection's remote shells (see remote-shell.ts). */
  async exec(command: string): Promise<ExecResult> {
    const shell = await this.shell();
    try {
      return await shell.run(command);
    } catch (e) {
      if (e instanceof RemoteShellClosed) throw new ConnectionError(`ssh ${this.key}: ${e.message}`);
      throw e;
    }
  }

  /** The least busy remote shell, or a new one while there are fewer than SHELLS. */
  private async shell(): Promise<RemoteShell> {
    for (const s of [...this.shells]) if (s.closed) this.shells.delete(s);
    const idle = [...this.shells].sort((a, b) => a.load - b.load)[0];
    if (idle && (idle.load === 0 || this.shells.size + this.opening >= SHELLS)) return idle;
    this.opening++;
    try {
      const channel = await this.slot(
        () =>
          new Promise<ClientChannel>((resolve, reject) =>
            this.client.exec("exec sh", (err, ch) => (err ? reject(new ConnectionError(`ssh ${this.key}: ${err.message}`)) : resolve(ch))),
          ),
      );
      const shell = new RemoteShell(channel);
      this.shells.add(shell);
      return shell;
    } finally {
      this.opening--;
    }
  }

  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) =>
      this.client.sftp((err, sftp) => (err ? reject(new ConnectionError(`sftp ${this.key}: ${err.message}`)) : resolve(sftp))),
    );
    this.sftpSession.catch(() => (this.sftpSession = undefined));
    return this.sftpSession;
  }

  /** Runs fn with one of the connection's channel slots (for SFTP transfers). */
  transfer<T>(fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    return this.slot(async () => fn(await this.sftp()));
  }

  end(): void {
    this.client.end();
  }
}

const POOL = Symbol.for("dflow-ts.executors.ssh-connections");

function pool(): Map<string, Promise<SshConnection>> {
  const g = globalThis as { [POOL]?: Map<string, Promise<SshConnection>> };
  return (g[POOL] ??= new Map());
}

const expand = (p: string) => (p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p);

/** The cached connection for this host and user, or a new one. */
export function connect(spec: ConnectionSpec): Promise<SshConnection> {
  const key = `${spec.username}@${hostName(spec.host, spec.port)}`;
  const cache = pool();
  const hit = cache.get(key);
  if (hit) {
    return hit.then(
      (c) => (c.closed ? (cache.delete(key), connect(spec)) : c),
      () => (cache.delete(key), connect(spec)),
    );
  }
  const made = open(spec, key);
  cache.set(key, made);
  made.then(
    (c) => c.closed && cache.delete(key),
    () => cache.delete(key),
  );
  return made;
}

/** Closes every cached connection (tests; a main-mode client exits instead). */
export function closeAll(): void {
  for (const c of pool().values()) c.then((x) => x.end(), () => undefined);
  pool().clear();
}

function open(spec: ConnectionSpec, key: string): Promise<SshConnection> {
  const knownHosts = expand(spec.knownHostsFile ?? "~/.ssh/known_hosts");
  let rejected: HostKeyVerdict | undefined;
  const config: ConnectConfig = {
    host: spec.host,
    port: spec.port,
    username: spec.username,
    keepaliveInterval: spec.keepaliveInterval,
    readyTimeout: spec.readyTimeout,
  };
  if (spec.privateKeyFile) {
    try {
      config.privateKey = readFileSync(expand(spec.privateKeyFile));
    } catch (e) {
      return Promise.reject(new Error(`cannot read privateKeyFile ${spec.privateKeyFile}: ${(e as Error).message}`));
    }
    if (spec.passphrase) config.passphrase = spec.passphrase;
  }
  const password = spec.password ?? process.env.DFLOW_SSH_PASSWORD;
  if (password) config.password = password;
  if (spec.agent) config.agent = spec.agent === true ? process.env.SSH_AUTH_SOCK : spec.agent;
  if (!config.privateKey && !config.password && !config.agent) {
    return Promise.reject(new Error(`no SSH credentials for ${key}: set privateKeyFile, agent or password (or DFLOW_SSH_PASSWORD)`));
  }
  if (spec.hostKeyChecking) {
    const types = knownKeyTypes(knownHosts, spec.host, spec.port)
      .flatMap((t) => (t === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [t]))
      .filter((t): t is ServerHostKeyAlgorithm => (HOST_KEY_ALGORITHMS as readonly string[]).includes(t));
    // Ask for a key type we know first, as OpenSSH does; otherwise a host with several keys
    // could present one we have never seen.
    if (types.length) config.algorithms = { serverHostKey: [...types, ...HOST_KEY_ALGORITHMS.filter((a) => !types.includes(a))] };
    config.hostVerifier = (blob: Buffer) => {
      const v = verifyHostKey(knownHosts, spec.host, spec.port, blob);
      if (!v.ok) rejected = v;
      return v.ok;
    };
  }
  return new Promise((resolve, reject) => {
    const client = new Client();
    let ready = false;
    client.once("ready", () => {
      ready = true;
      resolve(new SshConnection(key, client));
    });
    client.on("error", (err: Error & { level?: string }) => {
      if (ready) return; // the connection's "close" marks it dead; the running command fails
      if (rejected && !rejected.ok) reject(new HostKeyError(hostKeyMessage(rejected, knownHosts, spec.host, spec.port)));
      else if (err.level === "client-authentication") reject(new Error(`SSH authentication as ${key} failed: ${err.message}`));
      else reject(new ConnectionError(`cannot connect to ${key}: ${err.message}`));
    });
    client.connect(config);
  });
}
