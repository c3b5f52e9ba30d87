import { connect } from "node:net";
import { parseBody, type Json } from "./http.js";
import { recordResponse } from "./hygiene.js";

/**
 * HTTP/1.1 by hand over a real socket, for what a well-behaved client cannot
 * send: malformed requests, huge headers, trickled bytes, pipelining.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, or undefined. */
  body: Json;
}

export interface RawExchange {
  responses: RawResponse[];
  /** Every byte the server sent. */
  raw: Buffer;
  /** True when the server closed the connection before `timeoutMs`. */
  closedByServer: boolean;
  /** Set when the server reset the connection. */
  error?: string;
}

/** A write, or a pause between writes (to trickle a request). */
export type RawStep = string | Buffer | { pauseMs: number } | { until: () => boolean };

/** Splits what the server sent into responses (Content-Length bodies; the last may run to the close). */
function parseResponses(raw: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const [statusLine = "", ...lines] = rest.subarray(0, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers["content-length"] === undefined ? rest.length - end - 4 : Number(headers["content-length"]);
    const text = rest.subarray(end + 4, end + 4 + length).toString("utf8");
    const body = parseBody(text);
    recordResponse(text, body);
    responses.push({ status: Number(statusLine.split(" ")[1]), headers, text, body });
    rest = rest.subarray(end + 4 + length);
  }
  return responses;
}

/** Runs `steps` on one connection, then reads until the server closes it or `timeoutMs` passes. */
export function rawExchange(baseUrl: string, steps: readonly RawStep[], timeoutMs = 20_000): Promise<RawExchange> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let error: string | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      resolve({ responses: parseResponses(raw), raw, closedByServer, error });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on("close", () => {
      closedByServer = !done;
      finish();
    });
    const writeSteps = async () => {
      for (const step of steps) {
        if (socket.destroyed) break;
        if (typeof step === "string" || Buffer.isBuffer(step)) {
          socket.write(step);
        } else if ("pauseMs" in step) {
          await new Promise((r) => setTimeout(r, step.pauseMs));
        } else {
          while (!step.until() && !socket.destroyed) await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    // A step that throws (an `until` check) fails the exchange rather than becoming an unhandled rejection.
    socket.once("connect", () => {
      writeSteps().catch((e: unknown) => {
        reject(e instanceof Error ? e : new Error(String(e)));
        finish();
      });
    });
  });
}

/** The bytes of one request: a request line, headers, and an optional body with its Content-Length. */
export function requestBytes(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Buffer {
  const all: Record<string, string> = { host: "keyhouse.test", ...headers };
  if (body !== undefined && all["content-length"] === undefined) all["content-length"] = String(Buffer.byteLength(body));
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body === undefined ? Buffer.alloc(0) : Buffer.from(body)]);
}
