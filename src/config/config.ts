import { isIP } from "node:net";
import { isAbsolute, resolve } from "node:path";

export type DatabaseTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

type LogFormat = "auto" | "json" | "pretty";

/**
 * Which X-Forwarded-For entries are believed: a number of proxy hops in front of
 * keyhouse (0: none, the socket address is the client), or the addresses and
 * CIDR ranges of the trusted proxies.
 */
export type TrustProxy = number | readonly string[];

/** Everything the server reads from its environment, validated and frozen once. */
export interface Config {
  database: DatabaseTarget;
  host: string;
  port: number;
  /** The raw KEYHOUSE_SECRET, when set. Without it, SQLite uses a generated secret file. */
  secret: string | undefined;
  publicUrl: string;
  logLevel: LogLevel;
  /** How log lines are written: `auto` is human-readable on a terminal and JSON lines otherwise. */
  logFormat: LogFormat;
  trustProxy: TrustProxy;
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  bodyLimitBytes: number;
  redisUrl: string | undefined;
  /** SMTP server that claim links are mailed through (docs/invitations.md); unset: no mail is sent. */
  smtpUrl: string | undefined;
  /** The From address of that mail. */
  mailFrom: string;
  authCacheSize: number;
  keyCacheSize: number;
  /** Time to receive a request's line and headers (Node's headersTimeout). */
  headersTimeoutSeconds: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). */
  requestTimeoutSeconds: number;
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are cut. */
  shutdownTimeoutSeconds: number;
  /** Expensive requests (writes, list pages) running at once, and waiting beyond those. */
  maxConcurrentWork: number;
  maxQueuedWork: number;
  /** The Arize dialect of a response when the request names none (SPEC §11). */
  dialect: "2026-06" | "2026-07";
  /** Port of the Prometheus metrics listener (docs/observability.md); unset: no metrics. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** OpenTelemetry's OTLP endpoints: traces are exported when either is set (docs/observability.md). */
  otlpEndpoint: string | undefined;
  otlpTracesEndpoint: string | undefined;
}

/** One invalid variable and what is wrong with it, worded for the person who set it. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/**
 * Invalid settings: every one found, in the order of the settings table. Each
 * problem is one line (`VARIABLE: what is wrong`) printed before refusing to start.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }

  /** A single invalid variable. */
  static of(variable: string, message: string): ConfigError {
    return new ConfigError([{ variable, message }]);
  }
}

/** What a setting's parser may use besides its own raw value. */
interface SettingContext {
  /** The directory relative paths are resolved against. */
  cwd: string;
  /**
   * Another setting's value. When that one is invalid, it is reported under its
   * own name and this setting's check stops here, adding no second line.
   */
  get<K extends keyof Config>(field: K): Config[K];
}

/** One environment variable: how it is read, its default, and its line in README's table. */
export interface Setting<T> {
  variable: string;
  /** The default, as README's configuration table shows it (Markdown). */
  default: string;
  /** What it means: README's table cell (one line of Markdown). */
  doc: string;
  /**
   * The value for the raw text (undefined when the variable is unset or empty);
   * throws `Invalid` with what is wrong.
   */
  parse(raw: string | undefined, context: SettingContext): T;
}

/** Why a raw value is refused; loadConfig prefixes the variable's name. */
class Invalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Invalid";
  }
}

/** Thrown by `context.get` when the setting asked for is itself invalid (and already reported). */
class DependencyInvalid extends Error {}

const DEFAULT_DATABASE = "./data/keyhouse.db";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const LOG_FORMATS: readonly LogFormat[] = ["auto", "json", "pretty"];
export const MIN_SECRET_LENGTH = 32;

const code = (value: string | number | boolean) => `\`${value}\``;

/** A whole number between min and max; `check` adds a condition involving other settings. */
function integer(
  variable: string,
  fallback: number,
  [min, max]: [number, number],
  doc: string,
  check?: (value: number, context: SettingContext) => void,
): Setting<number> {
  return {
    variable,
    default: code(fallback),
    doc,
    parse(raw, context) {
      let value = fallback;
      if (raw !== undefined) {
        if (!/^\d+$/.test(raw)) throw new Invalid(`must be a whole number, got "${raw}"`);
        value = Number(raw);
        if (value < min || value > max) throw new Invalid(`must be between ${min} and ${max}, got ${value}`);
      }
      check?.(value, context);
      return value;
    },
  };
}

const MAX_PROXY_HOPS = 16;

/** One trusted proxy: an IP address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
function isProxyAddress(entry: string): boolean {
  const slash = entry.indexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * KEYHOUSE_TRUST_PROXY: a hop count, or a comma-separated list of proxy addresses.
 * `true` is refused: trusting every hop takes the leftmost X-Forwarded-For entry,
 * which the client writes itself.
 */
function trustProxySetting(): Setting<TrustProxy> {
  return {
    variable: "KEYHOUSE_TRUST_PROXY",
    default: code(0),
    doc:
      "Proxy hops in front of keyhouse whose `X-Forwarded-For` entries are believed: the client address is that many entries " +
      "from the right, never the leftmost (which the client writes). `0` (or `false`): none, the socket address is the client. " +
      "Or a comma-separated list of the proxies' addresses or CIDR ranges. `true` is refused. See [Behind a proxy](#behind-a-proxy).",
    parse(raw) {
      if (raw === undefined) return 0;
      const value = raw.trim().toLowerCase();
      if (value === "false" || value === "no") return 0;
      if (value === "true" || value === "yes") {
        throw new Invalid(
          `"${raw}" would believe every X-Forwarded-For entry, the leftmost of which the client writes itself; ` +
            "give the number of proxies in front of keyhouse (1 behind one nginx or AWS ALB), or their addresses",
        );
      }
      if (/^\d+$/.test(value)) {
        const hops = Number(value);
        if (hops > MAX_PROXY_HOPS) throw new Invalid(`must be at most ${MAX_PROXY_HOPS} proxy hops, got ${hops}`);
        return hops;
      }
      const entries = value.split(",").map((entry) => entry.trim());
      const invalid = entries.filter((entry) => !isProxyAddress(entry));
      if (invalid.length > 0) {
        throw new Invalid(
          `must be a number of proxy hops or a comma-separated list of proxy IP addresses or CIDR ranges; ` +
            `not an address: ${invalid.map((entry) => `"${entry}"`).join(", ")}`,
        );
      }
      return entries;
    },
  };
}

/** Parses KEYHOUSE_DATABASE_URL: a postgres:// URL, a sqlite: URL, or a file path. */
function parseDatabase(raw: string | undefined, cwd: string): DatabaseTarget {
  const value = raw ?? DEFAULT_DATABASE;
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Invalid("is not a valid postgres:// URL");
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith("sqlite://") && !value.startsWith("file://")) {
    throw new Invalid("must be a postgres:// URL, a sqlite:// URL or a file path");
  }
  const path = value.replace(/^(sqlite|file):\/\//, "").replace(/^sqlite:/, "");
  if (path === "") throw new Invalid("names no SQLite file");
  return { kind: "sqlite", path: isAbsolute(path) ? path : resolve(cwd, path) };
}

/**
 * Every environment variable the server reads, in README's order: one entry
 * each, with its parser (and validation), its default and its documentation.
 * README's configuration table is checked against it (test/unit/config-readme.test.ts).
 */
export const SETTINGS: { readonly [K in keyof Config]: Setting<Config[K]> } = {
  database: {
    variable: "KEYHOUSE_DATABASE_URL",
    default: code(DEFAULT_DATABASE),
    doc: "A SQLite file path (or `sqlite://path`), or a `postgres://` URL.",
    parse: (raw, { cwd }) => parseDatabase(raw, cwd),
  },
  host: {
    variable: "KEYHOUSE_HOST",
    default: code("127.0.0.1"),
    doc: "Address to listen on.",
    parse: (raw) => raw ?? "127.0.0.1",
  },
  port: integer("KEYHOUSE_PORT", 8080, [0, 65535], "Port to listen on (`0`: any free port)."),
  secret: {
    variable: "KEYHOUSE_SECRET",
    default: "generated (SQLite only)",
    doc:
      "Server secret for key hashes and cursors, at least 32 characters. With SQLite and no value, a random secret is " +
      "generated once into `keyhouse.secret` beside the database (mode 0600) and reused; keep that file with the database. " +
      "Required with PostgreSQL (all processes must share it). Changing it invalidates every key.",
    parse(raw, { get }) {
      if (raw !== undefined && raw.length < MIN_SECRET_LENGTH) throw new Invalid(`must be at least ${MIN_SECRET_LENGTH} characters`);
      if (raw === undefined && get("database").kind === "postgres") {
        throw new Invalid("is required with PostgreSQL: every server process must share it");
      }
      return raw;
    },
  },
  publicUrl: {
    variable: "KEYHOUSE_PUBLIC_URL",
    default: code("http://HOST:PORT"),
    doc:
      "The URL clients use; reported by `init --json`, in the OpenAPI `servers`, and the base of claim links " +
      "(`<url>/#/claim/<token>`, docs/invitations.md).",
    parse(raw, { get }) {
      let url = raw;
      if (url === undefined) {
        const host = get("host");
        url = `http://${host.includes(":") ? `[${host}]` : host}:${get("port")}`;
      }
      try {
        new URL(url);
      } catch {
        throw new Invalid(`is not a valid URL: "${url}"`);
      }
      return url;
    },
  },
  logLevel: {
    variable: "KEYHOUSE_LOG_LEVEL",
    default: code("info"),
    doc: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Logs are written on stdout.",
    parse(raw) {
      const level = (raw ?? "info") as LogLevel;
      if (!LOG_LEVELS.includes(level)) throw new Invalid(`must be one of ${LOG_LEVELS.join(", ")}`);
      return level;
    },
  },
  logFormat: {
    variable: "KEYHOUSE_LOG_FORMAT",
    default: code("auto"),
    doc:
      "`json`: one JSON object per line (pino), for log collectors. `pretty`: one human-readable line per entry " +
      "(time, level, message, fields). `auto`: `pretty` when stdout is a terminal, `json` otherwise. See docs/deploy.md.",
    parse(raw) {
      const format = (raw ?? "auto").toLowerCase() as LogFormat;
      if (!LOG_FORMATS.includes(format)) throw new Invalid(`must be one of ${LOG_FORMATS.join(", ")}, got "${raw}"`);
      return format;
    },
  },
  trustProxy: trustProxySetting(),
  authFailureLimit: integer(
    "KEYHOUSE_AUTH_FAILURE_LIMIT",
    20,
    [1, 1_000_000],
    "Failed authentications per client address (an IPv6 client: its /64) and window; past it, a request whose key does not authenticate gets `429` (a valid key always passes).",
  ),
  authFailureWindowSeconds: integer("KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS", 60, [1, 86_400], "The throttling window."),
  bodyLimitBytes: integer("KEYHOUSE_BODY_LIMIT_BYTES", 65_536, [1_024, 10_485_760], "Largest request body (`413` above it)."),
  headersTimeoutSeconds: integer(
    "KEYHOUSE_HEADERS_TIMEOUT_SECONDS",
    10,
    [1, 3_600],
    "Time a client has to send the request line and headers; a slower one gets `408` and is disconnected. " +
      "At most `KEYHOUSE_REQUEST_TIMEOUT_SECONDS`.",
    (value, { get }) => {
      const requestTimeout = get("requestTimeoutSeconds");
      if (value > requestTimeout) throw new Invalid(`must not exceed KEYHOUSE_REQUEST_TIMEOUT_SECONDS (${requestTimeout})`);
    },
  ),
  requestTimeoutSeconds: integer(
    "KEYHOUSE_REQUEST_TIMEOUT_SECONDS",
    30,
    [1, 3_600],
    "Time a client has to send the whole request, body included (`408` after it).",
  ),
  shutdownTimeoutSeconds: integer(
    "KEYHOUSE_SHUTDOWN_TIMEOUT_SECONDS",
    10,
    [1, 3_600],
    "On `SIGTERM` or `SIGINT`, how long requests in flight may take to finish; new requests are refused meanwhile. " +
      "Past it the connections still open are cut and the process exits with code 1. See docs/deploy.md.",
  ),
  maxConcurrentWork: integer(
    "KEYHOUSE_MAX_CONCURRENT_WORK",
    32,
    [1, 100_000],
    "Expensive requests (every write, every list page) handled at once; reads of one object by id are not counted.",
  ),
  maxQueuedWork: integer(
    "KEYHOUSE_MAX_QUEUED_WORK",
    512,
    [0, 1_000_000],
    "Expensive requests waiting for one of those slots; beyond them a request gets `503` `OVERLOADED` with `Retry-After`.",
  ),
  authCacheSize: integer(
    "KEYHOUSE_AUTH_CACHE_SIZE",
    100_000,
    [0, 10_000_000],
    "Authentication results cached in memory (`0` turns the cache off). Every committed revocation or role change " +
      "empties the cache of every process before it matters; see [docs/scaling.md](docs/scaling.md).",
  ),
  keyCacheSize: integer(
    "KEYHOUSE_KEY_CACHE_SIZE",
    10_000,
    [0, 10_000_000],
    "Key records cached for `GET /v2/api-keys/{id}` (`0` turns the cache off); emptied by the same invalidation as " +
      "the authentication cache; see [docs/scaling.md](docs/scaling.md).",
  ),
  redisUrl: {
    variable: "KEYHOUSE_REDIS_URL",
    default: "unset",
    doc: "`redis://` URL; when set, failed-authentication throttling is shared by every process.",
    parse(raw) {
      if (raw !== undefined && !/^rediss?:\/\//.test(raw)) throw new Invalid("must be a redis:// or rediss:// URL");
      return raw;
    },
  },
  smtpUrl: {
    variable: "KEYHOUSE_SMTP_URL",
    default: "unset",
    doc:
      "`smtp://` or `smtps://` URL (user and password in it when the server needs them); when set, invitation and recovery " +
      "links are mailed to the user. Unset: no mail is sent, account admins hand links out (docs/invitations.md).",
    parse(raw) {
      if (raw !== undefined && !/^smtps?:\/\/[^/]/.test(raw)) throw new Invalid("must be an smtp:// or smtps:// URL");
      return raw;
    },
  },
  mailFrom: {
    variable: "KEYHOUSE_MAIL_FROM",
    default: code("keyhouse <keyhouse@localhost>"),
    doc: "The From address of the mail keyhouse sends (with `KEYHOUSE_SMTP_URL`).",
    parse(raw) {
      const from = raw ?? "keyhouse <keyhouse@localhost>";
      if (!/^[^\r\n]*@[^\r\n]*$/.test(from)) throw new Invalid('must be an address such as "keyhouse <keys@example.com>"');
      return from;
    },
  },
  dialect: {
    variable: "KEYHOUSE_DIALECT",
    default: code("2026-06"),
    doc:
      "The Arize wire a response is in when the request does not say (no `Keyhouse-Dialect` or `sdk-version` header, no enum value " +
      "in either casing): `2026-06` (client 8.31–8.33) or `2026-07` (client 8.41 and later). See docs/arize-compatibility.md.",
    parse(raw) {
      const dialect = raw ?? "2026-06";
      if (dialect !== "2026-06" && dialect !== "2026-07") throw new Invalid(`must be 2026-06 or 2026-07, got "${dialect}"`);
      return dialect;
    },
  },
  metricsPort: {
    variable: "KEYHOUSE_METRICS_PORT",
    default: "unset",
    doc:
      "Port of the Prometheus metrics listener (`GET /metrics`), separate from the API's; unset: no metrics are kept. " +
      "See [docs/observability.md](docs/observability.md).",
    parse(raw, { get }) {
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw)) throw new Invalid(`must be a whole number, got "${raw}"`);
      const port = Number(raw);
      if (port > 65_535) throw new Invalid(`must be between 0 and 65535, got ${port}`);
      if (port !== 0 && port === get("port"))
        throw new Invalid(`must differ from KEYHOUSE_PORT (${port}): metrics are never served on the API's port`);
      return port;
    },
  },
  metricsHost: {
    variable: "KEYHOUSE_METRICS_HOST",
    default: code("127.0.0.1"),
    doc: "Address the metrics listener binds (`0.0.0.0` for a scraper on another host; keep the port away from the public).",
    parse: (raw) => raw ?? "127.0.0.1",
  },
  otlpEndpoint: otlpUrl(
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OpenTelemetry's OTLP/HTTP endpoint (`http://collector:4318`): when set, a trace span per request, with a child per " +
      "store statement, is exported to `<endpoint>/v1/traces`. The SDK reads the other standard `OTEL_` variables " +
      "(service name, sampler, headers); see [docs/observability.md](docs/observability.md).",
  ),
  otlpTracesEndpoint: otlpUrl(
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "The traces URL itself (used as given, no path added); overrides `OTEL_EXPORTER_OTLP_ENDPOINT` for traces.",
  ),
};

/** An OTLP/HTTP endpoint: an http:// or https:// URL. */
function otlpUrl(variable: string, doc: string): Setting<string | undefined> {
  return {
    variable,
    default: "unset",
    doc,
    parse(raw) {
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Invalid(`is not a valid URL: "${raw}"`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Invalid("must be an http:// or https:// URL (OTLP over HTTP)");
      return raw;
    },
  };
}

/**
 * Where traces go, as OpenTelemetry's specification says: the traces endpoint
 * as given, else `v1/traces` under the general endpoint; undefined: no traces.
 */
export function otlpTracesUrl(config: Pick<Config, "otlpEndpoint" | "otlpTracesEndpoint">): string | undefined {
  if (config.otlpTracesEndpoint !== undefined) return config.otlpTracesEndpoint;
  if (config.otlpEndpoint === undefined) return undefined;
  return `${config.otlpEndpoint.replace(/\/+$/, "")}/v1/traces`;
}

type Env = Record<string, string | undefined>;
type Outcome = { ok: true; value: unknown } | { ok: false };

/**
 * Reads the environment once: evaluates every setting of SETTINGS (an empty
 * variable counts as unset) and returns the frozen Config, or throws one
 * ConfigError naming every invalid variable.
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const fields = Object.keys(SETTINGS) as (keyof Config)[];
  const outcomes = new Map<keyof Config, Outcome | "evaluating">();
  const problems: ConfigProblem[] = [];

  const evaluate = (field: keyof Config): Outcome => {
    const known = outcomes.get(field);
    if (known === "evaluating") throw new Error(`${SETTINGS[field].variable} depends on itself through other settings`);
    if (known !== undefined) return known;
    outcomes.set(field, "evaluating");
    const setting = SETTINGS[field] as Setting<unknown>;
    const raw = env[setting.variable];
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: setting.parse(raw === "" ? undefined : raw, context) };
    } catch (error) {
      if (error instanceof Invalid) problems.push({ variable: setting.variable, message: error.message });
      else if (!(error instanceof DependencyInvalid)) throw error;
      outcome = { ok: false };
    }
    outcomes.set(field, outcome);
    return outcome;
  };
  const context: SettingContext = {
    cwd,
    get<K extends keyof Config>(field: K): Config[K] {
      const outcome = evaluate(field);
      if (!outcome.ok) throw new DependencyInvalid();
      return outcome.value as Config[K];
    },
  };

  const config = {} as Record<keyof Config, unknown>;
  for (const field of fields) {
    const outcome = evaluate(field);
    if (outcome.ok) config[field] = outcome.value;
  }
  if (problems.length > 0) {
    const order = (p: ConfigProblem) => fields.findIndex((field) => SETTINGS[field].variable === p.variable);
    throw new ConfigError(problems.sort((a, b) => order(a) - order(b)));
  }
  return Object.freeze(config as Config);
}
