import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import pino, { type DestinationStream, type Logger } from "pino";
import { buildApp, loggerOptions, type AppOptions } from "./app.js";
import { LAST_USED_FLUSH_MS } from "./auth/last-used.js";
import { EVENT_STREAM_DEFAULTS } from "./features/verify/index.js";
import { MemoryFailureThrottle, type FailureThrottle } from "./auth/throttle.js";
import { otlpTracesUrl, type Config } from "./config/config.js";
import { resolveSecret } from "./config/secret.js";
import { bootstrap, DEFAULT_ADMIN, type BootstrapResult } from "./features/identity/index.js";
import { DEFAULT_CONSOLE_DIR } from "./http/console.js";
import { Telemetry } from "./http/telemetry.js";
import { openStore } from "./store/open.js";
import { prepareStore } from "./store/prepare.js";
import type { Store } from "./store/store.js";
import { packageVersion } from "./version.js";

/** The failure throttle: shared through Redis when KEYHOUSE_REDIS_URL is set, else per process. */
async function buildThrottle(config: Config, secret: Buffer, logger: Logger, now: () => number): Promise<FailureThrottle> {
  if (!config.redisUrl) return new MemoryFailureThrottle(config.authFailureLimit, config.authFailureWindowSeconds, now);
  // Redis keeps the window itself (PEXPIRE, on Redis's clock): `now` does not reach it.
  // Loaded only when configured: ioredis adds about 10 MB to every process's RSS.
  const { RedisFailureThrottle } = await import("./auth/redis-throttle.js");
  const throttle = new RedisFailureThrottle(config.redisUrl, secret, config.authFailureLimit, config.authFailureWindowSeconds, logger);
  await throttle.ready();
  return throttle;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The metrics listener's URL (KEYHOUSE_METRICS_PORT; docs/observability.md), when metrics are on. */
  metricsUrl: string | undefined;
  /** Set when this start initialized the store. */
  initialized: BootstrapResult | undefined;
  secretFile: { path: string; generated: boolean } | undefined;
  /**
   * Writes text (the first key's banner) to the log's output, after every line
   * logged before it and before every line logged after it, never inside one.
   */
  print(text: string): void;
  /** Writes out log lines still buffered (before the process exits). */
  flushLogs(): void;
  /** Shuts down with no bound on the requests in flight (tests). */
  close(): Promise<void>;
  /**
   * Graceful shutdown (docs/deploy.md): stops accepting connections, answers
   * requests that arrive on open connections with 503, ends the event streams,
   * lets requests in flight finish for up to `timeoutMs` and then cuts their
   * connections, writes the pending last-use times, closes the throttle and the
   * store, and flushes the log.
   */
  shutdown(timeoutMs: number): Promise<ShutdownResult>;
}

export interface ShutdownResult {
  /** Connections still busy when the timeout ran out, and cut (0: every request in flight finished). */
  cut: number;
  /** The store did not close within STORE_CLOSE_GRACE_MS after the connections were cut. */
  storeLeftOpen: boolean;
}

/** After a forced cut, how long the store may take to close (a cut request may still hold a connection). */
export const STORE_CLOSE_GRACE_MS = 5_000;

/** Resolves with true when `promise` settles within `ms`, false when it does not (a rejection still rejects). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The number of open connections of a listening (or closing) server. */
function openConnections(app: FastifyInstance): Promise<number> {
  return new Promise((resolve) => app.server.getConnections((error, count) => resolve(error ? 0 : count)));
}

/**
 * The log's output and the stream the logger writes to. Pretty lines are
 * formatted in this thread (pino-pretty's prettyFactory) and written to the same
 * output as the banner, so nothing can come between a line's parts or the
 * banner's lines; no worker thread holds lines back at exit.
 */
async function logOutput(config: Config): Promise<{ output: ReturnType<typeof pino.destination>; stream: DestinationStream }> {
  const output = pino.destination(1);
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);
  if (!pretty) return { output, stream: output };
  const { prettyFactory } = await import("pino-pretty");
  const format = prettyFactory({
    colorize: process.stdout.isTTY === true && !process.env.NO_COLOR,
    translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
    ignore: "pid,hostname",
    singleLine: true,
  });
  return { output, stream: { write: (line: string) => output.write(format(line)) } };
}

export interface StartOptions {
  logDestination?: DestinationStream;
  logger?: Logger;
  throttle?: FailureThrottle;
  /**
   * Settings that replace the ones appOptionsFrom makes from the Config. Tests
   * give their clock: `now` is keyhouse's logical time (expiry, grace, caches,
   * throttle windows, last use), read by the bootstrap and the in-memory
   * throttle too; and a shorter `lastUsedFlushMs`.
   */
  app?: Partial<AppOptions>;
}

/** The app's settings for a Config: the one place they are resolved (startServer, and tests through it). */
export function appOptionsFrom(config: Config): AppOptions {
  return {
    now: Date.now,
    random: randomBytes,
    trustProxy: config.trustProxy,
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    version: packageVersion(),
    consoleDir: DEFAULT_CONSOLE_DIR,
    authCacheSize: config.authCacheSize,
    keyCacheSize: config.keyCacheSize,
    lastUsedFlushMs: LAST_USED_FLUSH_MS,
    headersTimeoutSeconds: config.headersTimeoutSeconds,
    requestTimeoutSeconds: config.requestTimeoutSeconds,
    maxConcurrentWork: config.maxConcurrentWork,
    maxQueuedWork: config.maxQueuedWork,
    dialect: config.dialect,
    eventStream: EVENT_STREAM_DEFAULTS,
  };
}

/** `base` with every field `overrides` defines (a field given as undefined keeps the base's). */
function withOverrides<T extends object>(base: T, overrides: Partial<T> = {}): T {
  const result = { ...base };
  for (const field of Object.keys(overrides) as (keyof T)[]) {
    const value = overrides[field];
    if (value !== undefined) result[field] = value as T[keyof T];
  }
  return result;
}

/** Opens the store, prepares it, builds the app and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const resolved = resolveSecret(config);
  // Resolved once: the app, the bootstrap and the in-memory throttle read the same clock.
  const settings = withOverrides(appOptionsFrom(config), options.app);
  const telemetry = await Telemetry.start({
    metrics: config.metricsPort !== undefined,
    tracesUrl: otlpTracesUrl(config),
    serviceVersion: settings.version,
  });
  const store = await openStore(config.database, telemetry.storeObserver);
  try {
    // An empty store is migrated and initialized; a schema behind or ahead of this code is refused.
    await prepareStore(store, { migrate: false });
    const initialized = await bootstrap(store, resolved.secret, DEFAULT_ADMIN, settings.now());
    const out = options.logger || options.logDestination ? undefined : await logOutput(config);
    const logger = options.logger ?? pino(loggerOptions(config.logLevel), options.logDestination ?? out?.stream);
    const throttle = options.throttle ?? (await buildThrottle(config, resolved.secret, logger, settings.now));
    const app = await buildApp({ store, secret: resolved.secret, logger, throttle, telemetry, ...settings });
    // Before the API: a port that cannot be had fails the start. The app's close closes it.
    const metricsUrl =
      config.metricsPort === undefined ? undefined : await telemetry.metrics?.listen(config.metricsHost, config.metricsPort);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.port;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      url: `http://${host}:${port}`,
      metricsUrl,
      initialized,
      secretFile: resolved.file ? { path: resolved.file, generated: resolved.generated } : undefined,
      print: (text) => (out ? out.output.write(text) : process.stdout.write(text)),
      flushLogs,
      close: async () => {
        await shutdown(Number.POSITIVE_INFINITY);
      },
      shutdown,
    };

    function flushLogs(): void {
      try {
        out?.output.flushSync();
      } catch {
        // Nothing buffered, or stdout is gone: nothing more can be written.
      }
    }

    async function shutdown(timeoutMs: number): Promise<ShutdownResult> {
      let cut = 0;
      // Past the timeout, the connections still busy are cut; app.close() then
      // resolves (its onClose hooks write the pending last-use times).
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            void openConnections(app).then((count) => {
              cut = count;
              app.server.closeAllConnections();
            });
          }, timeoutMs)
        : undefined;
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
      await throttle.close();
      // A request cut off may still be inside a store call: its connection is
      // not given back, and closing the store would wait for it for ever.
      const storeClosed = cut > 0 ? await settlesWithin(store.close(), STORE_CLOSE_GRACE_MS) : (await store.close(), true);
      flushLogs();
      return { cut, storeLeftOpen: !storeClosed };
    }
  } catch (error) {
    await telemetry.close();
    await store.close();
    throw error;
  }
}
