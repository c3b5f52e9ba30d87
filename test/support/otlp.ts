import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** An OTLP attribute value as the JSON encoding carries it. */
type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };

/** One span as an OTLP/HTTP JSON export carries it (ids in hex), with its attributes flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startNanos: bigint;
  endNanos: bigint;
  status: { code?: number };
  attributes: Record<string, string | number | boolean | undefined>;
  resource: Record<string, string | number | boolean | undefined>;
}

interface KeyValue {
  key: string;
  value: AnyValue;
}

function flatten(list: KeyValue[] | undefined): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
  }
  return out;
}

/**
 * A real OTLP/HTTP receiver on a free port: it takes `POST /v1/traces` in the
 * JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends), answers
 * 200 as a collector does, and decodes every span that arrives.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every request body as received, for the secret checks. */
  readonly bodies: string[] = [];
  readonly paths: string[] = [];
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        this.paths.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
        this.bodies.push(text);
        try {
          this.#decode(JSON.parse(text));
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  #decode(body: {
    resourceSpans?: Array<{
      resource?: { attributes?: KeyValue[] };
      scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
    }>;
  }): void {
    for (const rs of body.resourceSpans ?? []) {
      const resource = flatten(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          this.spans.push({
            traceId: String(span.traceId),
            spanId: String(span.spanId),
            parentSpanId: span.parentSpanId ? String(span.parentSpanId) : undefined,
            name: String(span.name),
            kind: Number(span.kind),
            startNanos: BigInt(String(span.startTimeUnixNano)),
            endNanos: BigInt(String(span.endTimeUnixNano)),
            status: (span.status as { code?: number }) ?? {},
            attributes: flatten(span.attributes as KeyValue[]),
            resource,
          });
        }
      }
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
