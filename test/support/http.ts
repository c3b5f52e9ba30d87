import { request as httpRequest, type Agent } from "node:http";
import { recordResponse } from "./hygiene.js";

/**
 * A parsed JSON body as the tests read it: unchecked on purpose. A test reads the
 * fields it asserts on and checks them with expect(); declaring a type for every
 * body would only move the same unchecked assumption into casts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one deliberate `any` of the tests, explained above
export type Json = any;

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: Json;
}

export interface RequestOptions {
  method?: string;
  key?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer is sent as is. */
  body?: unknown;
  /** Source address of the connection (any 127.0.0.0/8 address works on Linux loopback). */
  localAddress?: string;
  /** A keep-alive agent to reuse connections (default: a new connection per request). */
  agent?: Agent;
  /** Send `path` byte for byte (latin1), without URL normalisation or percent-encoding. */
  rawPath?: boolean;
}

/** One real HTTP request over a real socket; the response is recorded for the run's secret scan. */
export function send(baseUrl: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const url = new URL(options.rawPath ? "/" : path, baseUrl);
  const requestPath = options.rawPath ? path : url.pathname + url.search;
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === "string" || Buffer.isBuffer(options.body)) {
      payload = Buffer.from(options.body as string | Buffer);
    } else {
      payload = Buffer.from(JSON.stringify(options.body));
      headers["content-type"] ??= "application/json";
    }
    headers["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: requestPath,
        method: options.method ?? "GET",
        headers,
        localAddress: options.localAddress,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const body = parseBody(text);
          recordResponse(text, body);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** A response body as JSON, or undefined when it is empty or not JSON. */
export function parseBody(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
