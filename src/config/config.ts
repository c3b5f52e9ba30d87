import { isAbsolute, resolve } from "node:path";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Everything the server reads from its environment, validated and frozen once. */
export interface Config {
  database: DatabaseTarget;
  host: string;
  port: number;
  /** The raw KEYHOUSE_SECRET, when set. Without it, SQLite uses a generated secret file. */
  secret: string | undefined;
  publicUrl: string;
  logLevel: LogLevel;
  trustProxy: boolean;
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  bodyLimitBytes: number;
  redisUrl: string | undefined;
  authCacheSize: number;
  keyCacheSize: number;
  /** Time to receive a request's line and headers (Node's headersTimeout). */
  headersTimeoutSeconds: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). */
  requestTimeoutSeconds: number;
  /** Expensive requests (writes, list pages) running at once, and waiting beyond those. */
  maxConcurrentWork: number;
  maxQueuedWork: number;
}

/** An invalid setting; its message is the one line printed before refusing to start. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

export const DEFAULT_DATABASE = "./data/keyhouse.db";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
export const MIN_SECRET_LENGTH = 32;

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** Parses KEYHOUSE_DATABASE_URL: a postgres:// URL, a sqlite: URL, or a file path. */
export function parseDatabase(raw: string | undefined, cwd: string): DatabaseTarget {
  const value = raw === undefined || raw === "" ? DEFAULT_DATABASE : raw;
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError("KEYHOUSE_DATABASE_URL", "is not a valid postgres:// URL");
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith("sqlite://") && !value.startsWith("file://")) {
    throw new ConfigError("KEYHOUSE_DATABASE_URL", "must be a postgres:// URL, a sqlite:// URL or a file path");
  }
  const path = value.replace(/^(sqlite|file):\/\//, "").replace(/^sqlite:/, "");
  if (path === "") throw new ConfigError("KEYHOUSE_DATABASE_URL", "names no SQLite file");
  return { kind: "sqlite", path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/** Reads the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const database = parseDatabase(env.KEYHOUSE_DATABASE_URL, cwd);
  const host = env.KEYHOUSE_HOST || "127.0.0.1";
  const port = integer(env, "KEYHOUSE_PORT", 8080, 0, 65535);
  const secret = env.KEYHOUSE_SECRET || undefined;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError("KEYHOUSE_SECRET", `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (secret === undefined && database.kind === "postgres") {
    throw new ConfigError("KEYHOUSE_SECRET", "is required with PostgreSQL: every server process must share it");
  }
  const logLevel = (env.KEYHOUSE_LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError("KEYHOUSE_LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const publicUrl = env.KEYHOUSE_PUBLIC_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError("KEYHOUSE_PUBLIC_URL", `is not a valid URL: "${publicUrl}"`);
  }
  const redisUrl = env.KEYHOUSE_REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError("KEYHOUSE_REDIS_URL", "must be a redis:// or rediss:// URL");
  }
  const headersTimeoutSeconds = integer(env, "KEYHOUSE_HEADERS_TIMEOUT_SECONDS", 10, 1, 3_600);
  const requestTimeoutSeconds = integer(env, "KEYHOUSE_REQUEST_TIMEOUT_SECONDS", 30, 1, 3_600);
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw new ConfigError("KEYHOUSE_HEADERS_TIMEOUT_SECONDS", `must not exceed KEYHOUSE_REQUEST_TIMEOUT_SECONDS (${requestTimeoutSeconds})`);
  }
  return Object.freeze({
    database,
    host,
    port,
    secret,
    publicUrl,
    logLevel,
    trustProxy: boolean(env, "KEYHOUSE_TRUST_PROXY", false),
    authFailureLimit: integer(env, "KEYHOUSE_AUTH_FAILURE_LIMIT", 20, 1, 1_000_000),
    authFailureWindowSeconds: integer(env, "KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS", 60, 1, 86_400),
    bodyLimitBytes: integer(env, "KEYHOUSE_BODY_LIMIT_BYTES", 65_536, 1_024, 10_485_760),
    redisUrl,
    authCacheSize: integer(env, "KEYHOUSE_AUTH_CACHE_SIZE", 100_000, 0, 10_000_000),
    keyCacheSize: integer(env, "KEYHOUSE_KEY_CACHE_SIZE", 10_000, 0, 10_000_000),
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    maxConcurrentWork: integer(env, "KEYHOUSE_MAX_CONCURRENT_WORK", 32, 1, 100_000),
    maxQueuedWork: integer(env, "KEYHOUSE_MAX_QUEUED_WORK", 512, 0, 1_000_000),
  });
}
