import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Metrics, MetricsSources } from "./metrics.js";
import type { FinishedRequest, StoreObserver } from "./observer.js";
import type { Tracing } from "./tracing.js";

export interface TelemetryOptions {
  /** KEYHOUSE_METRICS_PORT: metrics are kept (and served on that port) only when set. */
  metrics: boolean;
  /** The OTLP/HTTP traces URL; traces are made only when set. */
  tracesUrl: string | undefined;
  serviceVersion: string;
}

/**
 * Metrics and traces of one server process, each present only when configured;
 * their packages are loaded only then (docs/observability.md).
 */
export class Telemetry {
  private constructor(
    readonly metrics: Metrics | undefined,
    readonly tracing: Tracing | undefined,
  ) {}

  static async start(options: TelemetryOptions): Promise<Telemetry> {
    const metrics = options.metrics ? new (await import("./metrics.js")).Metrics() : undefined;
    const tracing = options.tracesUrl ? (await import("./tracing.js")).startTracing(options.tracesUrl, options.serviceVersion) : undefined;
    return new Telemetry(metrics, tracing);
  }

  /** What the store reports to (undefined when neither metrics nor traces are on, so the store measures nothing). */
  get storeObserver(): StoreObserver | undefined {
    const { metrics, tracing } = this;
    if (metrics && tracing) {
      return {
        query: (event) => {
          metrics.query(event);
          tracing.query(event);
        },
        flushed: (source, lagMs) => metrics.flushed(source, lagMs),
      };
    }
    return metrics ?? tracing;
  }

  /**
   * Installs the request hooks on the app, before any other hook or route: the
   * requests' spans and the request histogram. `finished` describes a request
   * when its response has ended. Nothing is installed when both are off.
   */
  instrument(app: FastifyInstance, finished: (request: FastifyRequest, reply: FastifyReply) => FinishedRequest): void {
    const { metrics, tracing } = this;
    if (!metrics && !tracing) return;
    tracing?.install(app);
    app.addHook("onResponse", (request, reply, next) => {
      const done = finished(request, reply);
      metrics?.request(done);
      tracing?.finish(request, done);
      next();
    });
  }

  /** Reads the counters the app keeps (authentications, caches, the work limiter) at each scrape. */
  watch(sources: MetricsSources): void {
    this.metrics?.watch(sources);
  }

  #closed: Promise<void> | undefined;

  /** Stops the metrics listener and sends the last spans; later calls wait for the first. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.metrics?.close();
      await this.tracing?.close();
    })();
    return this.#closed;
  }
}
