import type { FastifyInstance } from "fastify";
import pino, { type DestinationStream, type Logger } from "pino";
import { buildApp, loggerOptions } from "./app.js";
import { MemoryFailureThrottle, type FailureThrottle } from "./auth/throttle.js";
import type { Config } from "./config/config.js";
import { resolveSecret } from "./config/secret.js";
import { bootstrap, type BootstrapResult } from "./features/identity/index.js";
import { openStore } from "./store/open.js";
import type { Store } from "./store/store.js";
import { packageVersion } from "./version.js";


/** A refusal to start, with the one line to print. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

export const DEFAULT_ADMIN = { adminName: "Admin", adminEmail: "admin@keyhouse.local" };

/**
 * Prepares a store for serving: an empty database is migrated and initialized;
 * a schema behind or ahead of this code is refused with what to run.
 */
export async function prepareStore(store: Store, secret: Buffer, now: () => number = Date.now): Promise<BootstrapResult | undefined> {
  const status = await store.schemaStatus();
  if (status.unknown.length > 0) {
    throw new StartupError(
      `the database schema is ahead of this keyhouse (${status.unknown.join(", ")} unknown); run a keyhouse version that has them`,
    );
  }
  if (status.applied.length === 0) {
    await store.migrate();
    return bootstrap(store, secret, DEFAULT_ADMIN, now());
  }
  if (status.pending.length > 0) {
    throw new StartupError(`the database schema is behind (${status.pending.join(", ")} pending); run: keyhouse migrate`);
  }
  return bootstrap(store, secret, DEFAULT_ADMIN, now());
}

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
  /** The clock of keyhouse's logical time (expiry, grace, caches, throttle windows, last use); tests inject one. */
  now?: () => number;
  /** How often recorded key uses are written (AppDeps.lastUsedFlushMs). */
  lastUsedFlushMs?: number;
}

/** Opens the store, prepares it, builds the app and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const resolved = resolveSecret(config);
  const store = await openStore(config.database);
  try {
    const now = options.now ?? Date.now;
    const initialized = await prepareStore(store, resolved.secret, now);
    const logger = options.logger ?? pino(loggerOptions(config.logLevel), options.logDestination ?? pino.destination(1));
    const throttle = options.throttle ?? (await buildThrottle(config, resolved.secret, logger, now));
    const app = await buildApp({
      store,
      secret: resolved.secret,
      logger,
      throttle,
      now,
      lastUsedFlushMs: options.lastUsedFlushMs,
      trustProxy: config.trustProxy,
      bodyLimitBytes: config.bodyLimitBytes,
      publicUrl: config.publicUrl,
      version: packageVersion(),
      authCacheSize: config.authCacheSize,
      keyCacheSize: config.keyCacheSize,
      headersTimeoutSeconds: config.headersTimeoutSeconds,
      requestTimeoutSeconds: config.requestTimeoutSeconds,
      maxConcurrentWork: config.maxConcurrentWork,
      maxQueuedWork: config.maxQueuedWork,
    });
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
