import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { pino, type Logger } from "pino";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FeatureDeps } from "./auth/deps.js";
import type { TrustProxy } from "./config/config.js";
import { ACCESS_SCHEMAS, accessRoutes } from "./features/access/index.js";
import { API_KEY_SCHEMAS, apiKeyRoutes } from "./features/apikeys/index.js";
import { AUDIT_SCHEMAS, auditRoutes } from "./features/audit/index.js";
import { IDENTITY_SCHEMAS, identityRoutes } from "./features/identity/index.js";
import { whoamiRoute } from "./features/whoami/index.js";
import { eventRoutes, verifyRoutes, type EventStreamOptions } from "./features/verify/index.js";
import { claimRoutes, invitationRoutes, smtpMailer } from "./features/invitations/index.js";
import { LastUsedTracker } from "./auth/last-used.js";
import { PERMISSIONS_2026_07_ONLY } from "./auth/catalog.js";
import { Authenticator, type CachedAuth } from "./auth/authenticate.js";
import { authHook } from "./auth/hook.js";
import type { FailureThrottle } from "./auth/throttle.js";
import { answerClientError, answerFrameworkError } from "./http/client-errors.js";
import { consoleRoutes } from "./http/console.js";
import { installErrorHandling, sendProblem } from "./http/errors.js";
import { healthRoutes } from "./http/health.js";
import { installJsonParser } from "./http/json.js";
import { installDialects, isDialect, openApiFor2026_07, RESHAPES_2026_07, type Dialect } from "./http/dialect.js";
import { CursorCodec } from "./http/cursor.js";
import { refuseRepeatedQuery } from "./http/query.js";
import { maskKeys } from "./http/redact.js";
import { ProblemSchema } from "./http/schemas.js";
import { securityHeaders } from "./http/security-headers.js";
import { buildValidatorCompiler } from "./http/validation.js";
import { installWorkLimiter, WorkLimiter } from "./http/work-limiter.js";
import type { FinishedRequest } from "./http/observer.js";
import type { Telemetry } from "./http/telemetry.js";
import type { RandomSource } from "./auth/key-format.js";
import { touchLastUsed } from "./store/queries/api-keys.js";
import { StoreCache } from "./store/cache.js";
import type { ApiKeyRecord } from "./store/queries/api-keys.js";
import type { Store } from "./store/store.js";

/**
 * The app's settings, every one resolved by the caller: buildApp has no
 * defaults of its own. `appOptionsFrom(config)` (src/server.ts) makes them from
 * the Config; tests may override some (their clock, a shorter last-use flush).
 */
export interface AppOptions {
  now: () => number;
  random: RandomSource;
  /** Proxy hops (0: none) or proxy addresses whose X-Forwarded-For entries are believed (KEYHOUSE_TRUST_PROXY). */
  trustProxy: TrustProxy;
  bodyLimitBytes: number;
  /** The URL clients use: the OpenAPI document's `servers` and the base of claim links. */
  publicUrl: string;
  /** KEYHOUSE_SMTP_URL: claim links are mailed through it; undefined sends no mail. */
  smtpUrl: string | undefined;
  /** KEYHOUSE_MAIL_FROM. */
  mailFrom: string;
  /** The OpenAPI document's `info.version`. */
  version: string;
  /** The built web console (web/dist); when it has no index.html, `/` says how to build it. */
  consoleDir: string;
  /** Entries in the authentication cache; 0 turns it off. */
  authCacheSize: number;
  /** Key records in the cache behind GET /v2/api-keys/{id}; 0 turns it off. */
  keyCacheSize: number;
  /** How often recorded key uses are written to the store (LAST_USED_FLUSH_MS); tests shorten it. */
  lastUsedFlushMs: number;
  /** Limits that protect the process (docs/reliability.md): request timeouts and the bound on expensive work. */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  maxConcurrentWork: number;
  maxQueuedWork: number;
  /** GET /v2/api-keys/events: heartbeat interval and retained events (docs/verify.md). */
  eventStream: EventStreamOptions;
  /** KEYHOUSE_DIALECT: the Arize wire of a response when the request does not choose one (SPEC §11). */
  dialect: Dialect;
}

/** Everything the app needs from outside: its store, secret, logger, throttle and telemetry, and its settings. */
export interface AppDeps extends AppOptions {
  store: Store;
  secret: Buffer;
  logger: Logger;
  throttle: FailureThrottle;
  /** Metrics and traces (docs/observability.md); with neither on it installs nothing. The app closes it when it closes. */
  telemetry: Telemetry;
}

/** What the metrics and the trace say of a request whose response has ended. */
function finishedRequest(request: FastifyRequest, reply: FastifyReply): FinishedRequest {
  return {
    method: request.method,
    // Unmatched URLs share one label: the label set stays bounded whatever clients send.
    route: request.routeOptions.url ?? "unmatched",
    status: reply.statusCode,
    seconds: reply.elapsedTime / 1000,
    keyRow: request.actor?.caller.keyId,
  };
}

/**
 * A cached value is re-read after this long even without an invalidation. It is
 * also the bound on how stale a cached `last_used_at` can be when another
 * PostgreSQL process wrote it (those writes send no invalidation; SPEC §6 calls
 * the field approximate, updated about once a minute).
 */
const CACHE_MAX_AGE_MS = 60_000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The client's X-Request-Id when it is of a safe shape: short, plain characters,
 * and nothing shaped like a raw key (a key pasted there would be echoed, logged
 * on every line of the request and stored in the audit trail). Anything else is
 * replaced by a fresh UUID.
 */
function requestIdFor(offered: string | string[] | undefined): string {
  return typeof offered === "string" && REQUEST_ID.test(offered) && maskKeys(offered) === offered ? offered : randomUUID();
}

/**
 * One access-log line per request, written when it completes (with its method,
 * masked URL, status and duration). Fastify's default also logs every arrival:
 * the pair cost about a quarter of the authenticated hot path's throughput
 * (docs/benchmarks.md).
 */
class CompletionOnlyLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
      return;
    }
    if (!(reply.log as Logger).isLevelEnabled("info")) return;
    // Flat fields, no serializers: this line is written for every request.
    const line = {
      method: request.method,
      url: maskKeys(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 1000) / 1000,
      ip: request.ip,
    };
    reply.log.info(line, "request completed");
  }
}

/**
 * Fastify's trustProxy for KEYHOUSE_TRUST_PROXY. A hop count is a function
 * trusting the socket peer and the n-1 entries nearest to it, so the client is
 * the n-th entry from the right of X-Forwarded-For (Fastify's own number form
 * trusts nothing); a list is compiled by proxy-addr, which walks the header from
 * the right while the address is a listed proxy.
 */
function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== "number") return [...trust];
  if (trust === 0) return false;
  return (_address, hop) => hop < trust;
}

/** Builds the Fastify instance; it never listens by itself. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now;
  const requestTimeoutMs = deps.requestTimeoutSeconds * 1000;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(deps.trustProxy),
    bodyLimit: deps.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req) => requestIdFor(req.headers["x-request-id"]),
    routerOptions: { maxParamLength: 200 },
    connectionTimeout: 30_000,
    requestTimeout: requestTimeoutMs,
    // Slow senders are cut off after these; Node checks them every second (its default is 30 s).
    http: { headersTimeout: deps.headersTimeoutSeconds * 1000, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1_000 },
    // Requests Node or the router cannot take still get problem+json (src/http/client-errors.ts).
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Fastify's own 503 while closing is not problem+json; the onRequest hook below answers instead.
    return503OnClosing: false,
    ajv: undefined,
    logController: new CompletionOnlyLogController(),
  });
  // First: a request's span (when tracing) starts before any other hook runs.
  deps.telemetry.instrument(app, finishedRequest);
  app.setValidatorCompiler(buildValidatorCompiler());
  // Fastify parses text/plain by default, which turned a text body into a 400 on
  // its type; keyhouse takes JSON bodies only, so anything else is a 415.
  app.removeContentTypeParser("text/plain");
  installErrorHandling(app);
  installJsonParser(app);
  securityHeaders(app);
  installDialects(app, deps.dialect, RESHAPES_2026_07, PERMISSIONS_2026_07_ONLY);
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  // A request in flight when the shutdown began is answered, and its connection
  // then closed: a client reusing it would be cut off by the shutdown anyway.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (closing) {
      reply.header("connection", "close");
      return sendProblem(request, reply, "UNAVAILABLE", "the server is shutting down; retry (on another instance)");
    }
    return undefined;
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "keyhouse API",
        version: deps.version,
        description: "API keys service, wire-compatible with the API keys resource of the Arize AI REST API v2.",
      },
      servers: [{ url: deps.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API key: `ak-...`" } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.addSchema(ProblemSchema);
  for (const schema of [...API_KEY_SCHEMAS, ...IDENTITY_SCHEMAS, ...AUDIT_SCHEMAS, ...ACCESS_SCHEMAS]) app.addSchema(schema);

  const keyCache = new StoreCache<number, ApiKeyRecord>(deps.store.invalidation, deps.keyCacheSize, CACHE_MAX_AGE_MS);
  const lastUsed = new LastUsedTracker(
    async (batch) => {
      // Last-use writes invalidate nothing else (they change no authentication),
      // but cached key records show the field: drop them once it may have moved.
      try {
        await touchLastUsed(deps.store.db, batch);
      } finally {
        keyCache.clear();
      }
    },
    (error) => app.log.warn({ err: error }, "could not record last use of keys"),
    deps.lastUsedFlushMs,
  );
  const authCache = new StoreCache<string, CachedAuth>(deps.store.invalidation, deps.authCacheSize, CACHE_MAX_AGE_MS);
  const authenticator = new Authenticator(deps.store, deps.secret, now, deps.throttle, lastUsed, authCache);
  const keyDeps: FeatureDeps = {
    store: deps.store,
    now,
    random: deps.random,
    secret: deps.secret,
    cursors: new CursorCodec(deps.secret),
    keyCache,
    throttle: deps.throttle,
    publicUrl: deps.publicUrl,
    mailer: deps.smtpUrl === undefined ? undefined : smtpMailer(deps.smtpUrl, deps.mailFrom),
  };

  healthRoutes(app, deps.store);
  app.get("/v2/openapi.json", { schema: { hide: true } }, async (request, reply) => {
    const asked = (request.query as Record<string, unknown>).dialect ?? deps.dialect;
    if (!isDialect(asked)) {
      return sendProblem(request, reply, "VALIDATION_FAILED", 'query parameter "dialect" must be 2026-06 or 2026-07');
    }
    const document = asked === "2026-07" ? openApiFor2026_07(app.swagger(), PERMISSIONS_2026_07_ONLY) : app.swagger();
    // A string: the dialect layer leaves the document as it is whatever the request's dialect.
    return reply.type("application/json; charset=utf-8").send(JSON.stringify(document));
  });
  await consoleRoutes(app, deps.consoleDir);
  const workLimiter = new WorkLimiter(deps.maxConcurrentWork, deps.maxQueuedWork);
  deps.telemetry.watch({ authentications: authenticator.results, caches: { auth: authCache, key: keyCache }, workLimiter });
  // Claim links are redeemed without an API key (the token in the body is the credential): outside the /v2 auth scope.
  await app.register(async (scope) => {
    installWorkLimiter(scope, workLimiter);
    claimRoutes(scope.withTypeProvider<TypeBoxTypeProvider>(), keyDeps);
  });

  await app.register(async (scope) => {
    const v2 = scope.withTypeProvider<TypeBoxTypeProvider>();
    // Declared up front so every request object keeps one shape (V8 deoptimizes
    // code that sees a property added to some requests only).
    v2.decorateRequest("actor", null, []);
    v2.addHook("onRequest", authHook(authenticator));
    v2.addHook("preValidation", refuseRepeatedQuery);
    installWorkLimiter(v2, workLimiter);
    apiKeyRoutes(v2, keyDeps);
    whoamiRoute(v2, keyDeps);
    verifyRoutes(v2, keyDeps, authenticator);
    eventRoutes(v2, keyDeps, deps.eventStream, (error) =>
      app.log.warn({ err: error }, "could not read invalidations for the event stream"),
    );
    identityRoutes(v2, keyDeps);
    invitationRoutes(v2, keyDeps);
    accessRoutes(v2, keyDeps);
    auditRoutes(v2, keyDeps);
  });

  app.addHook("onClose", async () => {
    await lastUsed.close();
    // Last: the final spans (those of the last-use flush's statements included) are sent.
    await deps.telemetry.close();
  });
  return app;
}

/** The pino options every keyhouse logger uses: URLs and error messages are masked, headers never logged. */
export function loggerOptions(level: string) {
  return {
    level,
    serializers: {
      // An error's message and stack may quote input (a key pasted in the wrong place).
      err: (error: Error) => {
        const fields = pino.stdSerializers.err(error);
        return { ...fields, message: maskKeys(fields.message), stack: maskKeys(fields.stack) };
      },
      req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: maskKeys(req.url ?? ""),
        remoteAddress: req.ip,
      }),
    },
  };
}
