import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from "fastify";
import { encodeId } from "./ids.js";
import type { FinishedRequest, QueryEvent, StoreObserver } from "./observer.js";

/** Reads a header of an incoming request for the W3C trace-context propagator. */
const HEADERS = {
  get: (carrier: FastifyRequest["headers"], key: string) => carrier[key],
  keys: (carrier: FastifyRequest["headers"]) => Object.keys(carrier),
};

/**
 * OpenTelemetry traces of one process (docs/observability.md): a span per
 * request (route, status, the authenticated key's id, never the key) with a
 * child span per store statement, exported over OTLP/HTTP (JSON) in batches.
 * This module, and the SDK with it, is imported only when tracing is
 * configured. Nothing global is registered: the provider, its tracer and the
 * context (an AsyncLocalStorage) belong to this process's server alone.
 */
export class Tracing implements StoreObserver {
  readonly #spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  readonly #propagator = new W3CTraceContextPropagator();

  constructor(
    private readonly provider: BasicTracerProvider,
    private readonly tracer: Tracer,
    private readonly contexts: AsyncLocalStorageContextManager,
  ) {}

  /**
   * Starts each request's span as its first hook and makes it the active
   * context for the rest of the request: the hooks that follow run inside it,
   * and so do route handlers (wrapped when declared, as a request with a body
   * reaches its handler from the socket's events, outside any hook).
   */
  install(app: FastifyInstance): void {
    app.addHook("onRequest", (request, _reply, done) => {
      const parent = this.#propagator.extract(ROOT_CONTEXT, request.headers, HEADERS);
      const span = this.tracer.startSpan(
        request.method,
        { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method } },
        parent,
      );
      const context = trace.setSpan(parent, span);
      this.#spans.set(request, { span, context });
      this.contexts.with(context, done);
    });
    const spans = this.#spans;
    const contexts = this.contexts;
    app.addHook("onRoute", (route) => {
      const handler = route.handler;
      route.handler = function (this: FastifyInstance, request, reply) {
        const active = spans.get(request);
        return active ? contexts.with(active.context, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
      } as RouteHandlerMethod;
    });
  }

  /** Ends the request's span with what it did. */
  finish(request: FastifyRequest, done: FinishedRequest): void {
    const active = this.#spans.get(request);
    if (!active) return;
    this.#spans.delete(request);
    const { span } = active;
    span.updateName(`${done.method} ${done.route}`);
    span.setAttribute("http.route", done.route);
    span.setAttribute("http.response.status_code", done.status);
    if (done.keyRow !== undefined) span.setAttribute("keyhouse.api_key.id", encodeId("ApiKey", done.keyRow));
    if (done.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  /** A child span of the active request's for one statement (statements outside any request make none). */
  query(event: QueryEvent): void {
    const context = this.contexts.active();
    if (trace.getSpan(context) === undefined) return;
    const span = this.tracer.startSpan(
      `${event.operation} ${event.table}`,
      {
        kind: SpanKind.CLIENT,
        startTime: event.endedAt - event.durationMs,
        attributes: { "db.operation.name": event.operation, "db.collection.name": event.table, "db.query.text": event.sql },
      },
      context,
    );
    if (event.failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(event.endedAt);
  }

  flushed(): void {}

  /** Sends the spans still buffered, then stops. */
  async close(): Promise<void> {
    await this.provider.shutdown();
    this.contexts.disable();
  }
}

/**
 * Tracing to an OTLP/HTTP receiver at `tracesUrl` (its full traces path). The
 * SDK reads the other standard variables itself: OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*,
 * OTEL_EXPORTER_OTLP_(TRACES_)HEADERS and _TIMEOUT.
 */
export function startTracing(tracesUrl: string, serviceVersion: string): Tracing {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override these.
  const resource = resourceFromAttributes({ "service.name": "keyhouse", "service.version": serviceVersion }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }))],
  });
  const contexts = new AsyncLocalStorageContextManager().enable();
  return new Tracing(provider, provider.getTracer("keyhouse", serviceVersion), contexts);
}
