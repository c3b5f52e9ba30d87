import Fastify, { type FastifyInstance } from "fastify";
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type MetricObjectWithValues,
  type MetricValueWithName,
} from "prom-client";
import { installErrorHandling } from "./errors.js";
import type { FinishedRequest, QueryEvent, StoreObserver } from "./observer.js";

/** What the app counts itself (plain numbers on its hot path), read at each scrape. */
export interface MetricsSources {
  /** Authentications by result (valid, unknown, revoked, expired, throttled…). */
  authentications: Readonly<Record<string, number>>;
  /** The caches by name: lookups answered from memory or not, and entries held. */
  caches: Readonly<Record<string, { readonly hits: number; readonly misses: number; readonly size: number }>>;
  workLimiter: { readonly running: number; readonly queued: number; readonly refused: number };
}

/** Request durations: from half a millisecond (a cached authentication and read) to the request timeout. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Statement durations: an indexed SQLite read takes tens of microseconds. */
const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** Commit to cache flush: microseconds in one process, a NOTIFY's round trip between processes. */
const LAG_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

type RequestLabels = "method" | "route" | "status_code";

/** One label set of a LeanHistogram: its observations per bucket (not cumulative), their sum and count. */
class Series {
  readonly perBucket: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.perBucket = bounds.map(() => 0);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i += 1;
    if (i < bounds.length) this.perBucket[i] = (this.perBucket[i] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A prom-client histogram whose observations skip prom-client's per-call label
 * validation and hashing (it does both on every observe, even through a
 * labelled child): a caller keeps the Series of its label set and observes
 * into it; the exposition is built from the series when scraped. Measured on
 * the hot path in docs/benchmarks.md.
 */
class LeanHistogram<T extends string> extends Histogram<T> {
  readonly #series = new Map<string, Series>();

  constructor(private readonly config: { name: string; help: string; labelNames: readonly T[]; buckets: number[]; registers: Registry[] }) {
    super(config);
  }

  /** The series of a label set, found by `id` (one string per label set), made on first use. */
  series(id: string, labels: () => Record<T, string>): Series {
    let found = this.#series.get(id);
    if (found === undefined) {
      found = new Series(labels(), this.config.buckets);
      this.#series.set(id, found);
    }
    return found;
  }

  /** What the registry formats (prom-client's Histogram reads its own store here, which this one leaves empty). */
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    return this.get();
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const { name, help, buckets } = this.config;
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const series of this.#series.values()) {
      let cumulative = 0;
      buckets.forEach((bound, i) => {
        cumulative += series.perBucket[i] ?? 0;
        values.push({ labels: { ...series.labels, le: bound }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { ...series.labels, le: "+Inf" }, value: series.count, metricName: `${name}_bucket` });
      values.push({ labels: series.labels, value: series.sum, metricName: `${name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${name}_count` });
    }
    return { name, help, type: "histogram", values, aggregator: "sum" } as unknown as MetricObjectWithValues<MetricValueWithName<T>>;
  }
}

/**
 * The Prometheus metrics of one process (docs/observability.md), in their own
 * registry, served by their own listener (KEYHOUSE_METRICS_PORT), never on the
 * API's port. Names follow Prometheus conventions: `keyhouse_` prefix, base
 * units (seconds), `_total` counters; ratios are left to PromQL.
 */
export class Metrics implements StoreObserver {
  readonly registry = new Registry();
  readonly #requests: LeanHistogram<RequestLabels>;
  readonly #queries: LeanHistogram<"operation" | "table" | "result">;
  readonly #lag: Histogram<"source">;
  #server: FastifyInstance | undefined;

  constructor() {
    // Process metrics (CPU, memory, open files), the event loop's delay and GC, under their conventional names.
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new LeanHistogram({
      name: "keyhouse_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by method, route pattern and status code.",
      labelNames: ["method", "route", "status_code"],
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    });
    this.#queries = new LeanHistogram({
      name: "keyhouse_store_query_duration_seconds",
      help: "Time the store took to run one statement, by operation, table and result (ok or error).",
      labelNames: ["operation", "table", "result"],
      buckets: QUERY_BUCKETS,
      registers: [this.registry],
    });
    this.#lag = new Histogram({
      name: "keyhouse_cache_invalidation_lag_seconds",
      help:
        "Time from a committed change (local: this process's commit; remote: another process's NOTIFY, PostgreSQL) " +
        "to the moment every cache of this process had been emptied.",
      labelNames: ["source"],
      buckets: LAG_BUCKETS,
      registers: [this.registry],
    });
  }

  request(done: FinishedRequest): void {
    const { method, route, status } = done;
    this.#requests.series(`${method} ${route} ${status}`, () => ({ method, route, status_code: String(status) })).observe(done.seconds);
  }

  query(event: QueryEvent): void {
    const { operation, table } = event;
    const result = event.failed ? "error" : "ok";
    this.#queries.series(`${operation} ${table} ${result}`, () => ({ operation, table, result })).observe(event.durationMs / 1000);
  }

  flushed(source: "local" | "remote", lagMs: number): void {
    this.#lag.observe({ source }, lagMs / 1000);
  }

  /** Registers the metrics read from the app's own counters when scraped. */
  watch(sources: MetricsSources): void {
    const registers = [this.registry];
    new Counter({
      name: "keyhouse_authentications_total",
      help:
        "Authentications of API requests by result: valid, missing (no Authorization header), unknown (malformed or not stored), " +
        "revoked, expired, inactive_user, throttled (answered 429).",
      labelNames: ["result"],
      registers,
      collect() {
        this.reset();
        for (const [result, count] of Object.entries(sources.authentications)) this.inc({ result }, count);
      },
    });
    new Counter({
      name: "keyhouse_cache_lookups_total",
      help: "Lookups in the authentication (auth) and key-record (key) caches, by result: hit (answered from memory) or miss.",
      labelNames: ["cache", "result"],
      registers,
      collect() {
        this.reset();
        for (const [cache, stats] of Object.entries(sources.caches)) {
          this.inc({ cache, result: "hit" }, stats.hits);
          this.inc({ cache, result: "miss" }, stats.misses);
        }
      },
    });
    new Gauge({
      name: "keyhouse_cache_entries",
      help: "Entries held by each cache.",
      labelNames: ["cache"],
      registers,
      collect() {
        for (const [cache, stats] of Object.entries(sources.caches)) this.set({ cache }, stats.size);
      },
    });
    const limiter = sources.workLimiter;
    new Gauge({
      name: "keyhouse_work_limiter_running",
      help: "Expensive requests (writes, list pages) holding a work slot.",
      registers,
      collect() {
        this.set(limiter.running);
      },
    });
    new Gauge({
      name: "keyhouse_work_limiter_queued",
      help: "Expensive requests waiting for a work slot.",
      registers,
      collect() {
        this.set(limiter.queued);
      },
    });
    new Counter({
      name: "keyhouse_work_limiter_refusals_total",
      help: "Requests answered 503 OVERLOADED because every work slot and every place in line was taken.",
      registers,
      collect() {
        this.reset();
        this.inc(limiter.refused);
      },
    });
  }

  /**
   * Serves `GET /metrics` (the Prometheus text format) on its own listener;
   * anything else gets a problem+json 404. Returns the URL it listens on.
   */
  async listen(host: string, port: number): Promise<string> {
    const server = Fastify({ logger: false });
    installErrorHandling(server);
    server.get("/metrics", async (_request, reply) => reply.type(this.registry.contentType).send(await this.registry.metrics()));
    await server.listen({ host, port });
    this.#server = server;
    const address = server.server.address();
    const bound = typeof address === "object" && address !== null ? address.port : port;
    return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }
}
