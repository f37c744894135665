import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseAllDocuments } from "yaml";
import { uploadBundles } from "../../api/bundle-upload.ts";
import { DflowError } from "../../api/errors.ts";
import { ArgoBackend, ArgoClient, type ArgoClientOptions, type ServerWorkflow } from "../../argo/client/index.ts";
import type { Workflow as Manifest } from "../../argo/manifest.ts";
import { configuredRepository } from "../../storage/config.ts";
import { loadWorkflows } from "../load.ts";
import { duration, ProgressView } from "../progress.ts";
import { table } from "../table.ts";

interface GlobalOptions {
  server?: string;
  token?: string;
  namespace?: string;
  insecure?: boolean;
  secure?: boolean;
  caFile?: string;
}

/** `dflow argo …`: submit, watch and control workflows on an argo-server (ARGO_* variables as the argo CLI). */
export function argoCommand(program: Command): void {
  const argo = program
    .command("argo")
    .description("submit and control workflows on an Argo server (reads ARGO_SERVER, ARGO_TOKEN, ARGO_NAMESPACE, ARGO_SECURE, ARGO_INSECURE_SKIP_VERIFY, ARGO_BASE_HREF)")
    .option("-s, --server <host:port>", "argo-server address (ARGO_SERVER)")
    .option("--token <token>", "bearer token (ARGO_TOKEN)")
    .option("-n, --namespace <ns>", "namespace (ARGO_NAMESPACE, default argo)")
    .option("-k, --insecure", "skip verification of the server's certificate (ARGO_INSECURE_SKIP_VERIFY)")
    .option("--no-secure", "plain http instead of https (ARGO_SECURE=false)")
    .option("--ca-file <pem>", "CA certificate of the server (DFLOW_ARGO_CA_FILE)");

  argo
    .command("submit")
    .description("submit a workflow: a .ts module exporting a Workflow (compiled) or an Argo .yaml/.json manifest (sent as is); prints its name")
    .argument("<file>")
    .option("-e, --export <name>", "which export, when the module has several workflows")
    .option("-p, --parameter <name=value>", "override a workflow parameter (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("-w, --wait", "wait for the workflow to finish, showing progress on stderr")
    .option("--poll <ms>", "poll interval while waiting", "1000")
    .action(async (file: string, opts: { export?: string; parameter: string[]; wait?: boolean; poll: string }, cmd: Command) => {
      const parameters = parseParameters(opts.parameter);
      const backend = new ArgoBackend(client(cmd));
      for (const manifest of await manifests(file, opts.export)) {
        await uploadBundles(manifest, configuredRepository());
        const { name } = await backend.submit(manifest, parameters ? { parameters } : {});
        process.stdout.write(`${name}\n`);
        if (opts.wait) {
          const view = new ProgressView({ plain: true });
          const rec = await backend.wait(name, { pollMs: Number(opts.poll), onEvent: view.onEvent });
          process.stderr.write(`${name} ${rec.phase}${rec.message ? `: ${rec.message}` : ""}\n`);
          if (rec.phase !== "Succeeded") process.exitCode = 1;
        }
      }
    });

  argo
    .command("status")
    .description("show a workflow's steps")
    .argument("<name>")
    .option("--all", "include step groups and task groups")
    .option("--json", "print the records as JSON")
    .action(async (name: string, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const r = await new ArgoBackend(client(cmd)).record(name);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.stdout.write(`${r.id}  ${r.phase || "Pending"}${duration({ ...r, phase: "Running" })}${r.message ? `  ${r.message}` : ""}\n\n`);
      const steps = r.steps.filter((s) => opts.all || (s.type !== "StepGroup" && s.type !== "TaskGroup"));
      const rows = steps.map((s) => [s.name, s.key ?? "", s.type, s.phase, duration(s).trim().replace(/[()]/g, ""), s.progress ?? "", s.message ?? ""]);
      process.stdout.write(table(["STEP", "KEY", "TYPE", "PHASE", "DURATION", "PROGRESS", "MESSAGE"], rows));
    });

  argo
    .command("logs")
    .description("print the logs (container main) of a workflow's pods, or of one step (display name, key or node id)")
    .argument("<name>")
    .argument("[step]")
    .option("-f, --follow", "keep streaming while the pods run")
    .action(async (name: string, step: string | undefined, opts: { follow?: boolean }, cmd: Command) => {
      for await (const e of new ArgoBackend(client(cmd)).logs(name, step, opts.follow ? { follow: true } : {})) {
        process.stdout.write(step === undefined ? `${e.step || e.podName}: ${e.content}\n` : `${e.content}\n`);
      }
    });

  const verbs = {
    terminate: ["stop a workflow now: running steps are killed", "terminated"],
    stop: ["stop a workflow gracefully: exit handlers still run", "stopped"],
    suspend: ["suspend a workflow", "suspended"],
    resume: ["resume a suspended workflow", "resumed"],
    retry: ["retry a failed workflow from its failed steps", "retried"],
    delete: ["delete a workflow", "deleted"],
  } as const;
  for (const [verb, [description, done]] of Object.entries(verbs) as [keyof typeof verbs, readonly [string, string]][]) {
    argo
      .command(verb)
      .description(description)
      .argument("<name>")
      .action(async (name: string, _opts: object, cmd: Command) => {
        await client(cmd)[verb](name);
        process.stdout.write(`${name}: ${done}\n`);
      });
  }

  argo
    .command("resubmit")
    .description("submit a copy of a workflow; prints the new name")
    .argument("<name>")
    .option("--memoized", "reuse the outputs of steps that succeeded")
    .action(async (name: string, opts: { memoized?: boolean }, cmd: Command) => {
      const wf = await client(cmd).resubmit(name, opts.memoized ? { memoized: true } : {});
      process.stdout.write(`${wf.metadata.name}\n`);
    });

  argo
    .command("list")
    .description("list workflows of the namespace")
    .option("-l, --selector <labels>", "label selector, e.g. app=x,env!=dev")
    .option("--chunk-size <n>", "page size of each request", "100")
    .action(async (opts: { selector?: string; chunkSize: string }, cmd: Command) => {
      const rows: string[][] = [];
      const list = client(cmd).listAll({ limit: positiveInt("--chunk-size", opts.chunkSize), ...(opts.selector ? { labelSelector: opts.selector } : {}) });
      for await (const wf of list) rows.push(listRow(wf));
      process.stdout.write(rows.length === 0 ? "no workflows\n" : table(["NAME", "PHASE", "STARTED", "DURATION", "MESSAGE"], rows));
    });

  argo
    .command("lint")
    .description("let the server check a workflow (.ts or .yaml/.json) without running it")
    .argument("<file>")
    .option("-e, --export <name>", "which export, when the module has several workflows")
    .action(async (file: string, opts: { export?: string }, cmd: Command) => {
      const c = client(cmd);
      for (const m of await manifests(file, opts.export)) {
        await c.lint(m);
        process.stdout.write(`${m.metadata.name ?? m.metadata.generateName ?? file}: ok\n`);
      }
    });

  argo
    .command("version")
    .description("print the argo-server version")
    .action(async (_opts: object, cmd: Command) => {
      const v = await client(cmd).version();
      process.stdout.write(`${v.version} (${v.gitCommit}, ${v.platform})\n`);
    });
}

function client(cmd: Command): ArgoClient {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const explicitSecure = cmd.getOptionValueSourceWithGlobals("secure") === "cli";
  const options: ArgoClientOptions = {
    ...(g.server ? { server: g.server } : {}),
    ...(g.token ? { token: g.token } : {}),
    ...(g.namespace ? { namespace: g.namespace } : {}),
    ...(g.insecure ? { insecureSkipVerify: true } : {}),
    ...(explicitSecure ? { secure: g.secure !== false } : {}),
    ...(g.caFile ? { caFile: g.caFile } : {}),
  };
  return ArgoClient.fromEnv(options);
}

async function manifests(file: string, exportName?: string): Promise<Manifest[]> {
  const ext = extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml" || ext === ".json") return readManifests(file);
  const workflows = await loadWorkflows(file, exportName);
  return workflows.map((wf) => wf.compile());
}

function readManifests(file: string): Manifest[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new DflowError(`no such file: ${file}`, file, "file");
  }
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new DflowError(`${file}: ${doc.errors[0]!.message}`, file, "yaml");
    const v = doc.toJS() as Manifest | null;
    if (v === null) continue;
    if (v.kind !== "Workflow") throw new DflowError(`${file}: expected kind Workflow, got ${String(v.kind)}`, file, "kind");
    out.push(v);
  }
  if (out.length === 0) throw new DflowError(`${file} holds no Workflow`, file, "kind");
  return out;
}

function parseParameters(list: string[]): Record<string, string> | undefined {
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf("=");
    if (i <= 0) throw new DflowError(`-p ${p}: expected name=value`, p, "parameter");
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new DflowError(`${flag} ${v}: expected a positive integer`, flag, "option");
  return n;
}

function listRow(wf: ServerWorkflow): string[] {
  const st = wf.status ?? {};
  const phase = st.phase || "Pending";
  return [wf.metadata.name ?? "", phase, st.startedAt ?? "", st.startedAt ? duration({ phase: "Running", startedAt: st.startedAt, ...(st.finishedAt ? { finishedAt: st.finishedAt } : {}) }).trim().replace(/[()]/g, "") : "", st.message ?? ""];
}
