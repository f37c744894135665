import { join, resolve } from "node:path";
import type { StorageClient } from "./client.ts";
import { LocalStorageClient } from "./local.ts";
import { S3StorageClient } from "./s3.ts";

/**
 * dflow's `s3_config`: where artifacts are stored. The exported `s3Config` is the process-wide
 * default (the one documented piece of mutable global state of this module); set its fields, or
 * `storageClient` to plug in any StorageClient. Every field has an environment variable
 * (DFLOW_S3_*, with the standard AWS_* names as fallbacks).
 */
export interface S3Config {
  /** "host:port" or a URL. Unset (and no storageClient): artifacts stay in a local store. */
  endpoint?: string;
  bucket: string;
  accessKey?: string;
  secretKey?: string;
  region: string;
  pathStyle: boolean;
  /** TLS for a "host:port" endpoint. */
  secure: boolean;
  /** Key prefix inside the bucket. */
  prefix: string;
  /** A custom store; wins over every other field. */
  storageClient?: StorageClient;
}

type Env = Record<string, string | undefined>;

function flag(v: string | undefined): boolean | undefined {
  if (v === undefined || v === "") return undefined;
  return !/^(0|false|no|off)$/i.test(v);
}

/** The configuration the environment describes. */
export function s3ConfigFromEnv(env: Env = process.env): S3Config {
  const endpoint = env.DFLOW_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const accessKey = env.DFLOW_S3_ACCESS_KEY || env.AWS_ACCESS_KEY_ID;
  const secretKey = env.DFLOW_S3_SECRET_KEY || env.AWS_SECRET_ACCESS_KEY;
  return {
    ...(endpoint ? { endpoint } : {}),
    bucket: env.DFLOW_S3_BUCKET || "my-bucket",
    ...(accessKey ? { accessKey } : {}),
    ...(secretKey ? { secretKey } : {}),
    region: env.DFLOW_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    pathStyle: flag(env.DFLOW_S3_PATH_STYLE) ?? true,
    secure: flag(env.DFLOW_S3_SECURE) ?? false,
    prefix: env.DFLOW_S3_PREFIX || "",
  };
}

export const s3Config: S3Config = s3ConfigFromEnv();

/** Where the local store lives when no S3 is configured: `<root>/.storage` (root: DFLOW_ROOT or "dflow-runs"). */
export function defaultLocalStorageRoot(root: string = process.env.DFLOW_ROOT || "dflow-runs"): string {
  return resolve(join(root, ".storage"));
}

/**
 * The repository `cfg` configures, if it configures one (a storageClient or an endpoint): what a
 * cluster can read. Unlike storageFromConfig, no local store stands in for a missing one.
 */
export function configuredRepository(cfg: Partial<S3Config> = s3Config): StorageClient | undefined {
  return cfg.storageClient || cfg.endpoint ? storageFromConfig(cfg) : undefined;
}

/**
 * The store to use: `cfg.storageClient` if set, else S3 when an endpoint is configured, else a
 * LocalStorageClient at `localRoot` (default: defaultLocalStorageRoot()).
 */
export function storageFromConfig(cfg: Partial<S3Config> = s3Config, localRoot: string = defaultLocalStorageRoot()): StorageClient {
  if (cfg.storageClient) return cfg.storageClient;
  if (cfg.endpoint) {
    return new S3StorageClient({
      endpoint: cfg.endpoint,
      bucket: cfg.bucket || "my-bucket",
      ...(cfg.accessKey ? { accessKey: cfg.accessKey } : {}),
      ...(cfg.secretKey ? { secretKey: cfg.secretKey } : {}),
      region: cfg.region || "us-east-1",
      pathStyle: cfg.pathStyle ?? true,
      secure: cfg.secure ?? false,
      // Bucket-rooted: s3Config.prefix is part of the keys dflow-ts makes (uploads, a run's
      // artifacts), as in dflow, so that a key in a manifest is where Argo finds the object.
    });
  }
  return new LocalStorageClient({ root: localRoot });
}
