import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import pino, { type DestinationStream, type Logger } from "pino";
import { buildApp, loggerOptions, type AppOptions } from "./app.js";
import { LAST_USED_FLUSH_MS } from "./auth/last-used.js";
import { EVENT_STREAM_DEFAULTS } from "./features/verify/index.js";
import { MemoryFailureThrottle, type FailureThrottle } from "./auth/throttle.js";
import type { Config } from "./config/config.js";
import { resolveSecret } from "./config/secret.js";
import { bootstrap, DEFAULT_ADMIN, type BootstrapResult } from "./features/identity/index.js";
import { DEFAULT_CONSOLE_DIR } from "./http/console.js";
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
  /** Set when this start initialized the store. */
  initialized: BootstrapResult | undefined;
  secretFile: { path: string; generated: boolean } | undefined;
  close(): Promise<void>;
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
  const store = await openStore(config.database);
  try {
    // An empty store is migrated and initialized; a schema behind or ahead of this code is refused.
    await prepareStore(store, { migrate: false });
    const initialized = await bootstrap(store, resolved.secret, DEFAULT_ADMIN, settings.now());
    const logger = options.logger ?? pino(loggerOptions(config.logLevel), options.logDestination ?? pino.destination(1));
    const throttle = options.throttle ?? (await buildThrottle(config, resolved.secret, logger, settings.now));
    const app = await buildApp({ store, secret: resolved.secret, logger, throttle, ...settings });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.port;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    return {
      app,
      store,
      url: `http://${host}:${port}`,
      initialized,
      secretFile: resolved.file ? { path: resolved.file, generated: resolved.generated } : undefined,
      close: async () => {
        await app.close();
        await throttle.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
