import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { sendProblem } from "./errors.js";
import { PROBLEMS, problemBody, type ProblemCode } from "./problem.js";
import { SECURITY_HEADERS } from "./security-headers.js";

/**
 * Requests that fail before Fastify can route them still get a problem+json
 * answer with the security headers, never Node's or Fastify's own JSON.
 */

/** Errors of Node's HTTP parser (and its timeouts), by code. */
const PARSER_ERRORS: Record<string, { code: ProblemCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: "REQUEST_TIMEOUT", detail: "the request was not received in time" },
  HPE_HEADER_OVERFLOW: { code: "HEADERS_TOO_LARGE", detail: "the request line and headers are larger than the server accepts" },
};
const MALFORMED = { code: "VALIDATION_FAILED", detail: "the request is not valid HTTP/1.1" } as const;

/** How long a refused connection may keep sending before it is cut: the client gets to read the answer. */
const LINGER_MS = 1_000;

const answered = new WeakSet<Duplex>();

/**
 * Fastify's clientErrorHandler: answers a request Node could not parse (or that
 * timed out) with a problem, then closes the connection. The socket lingers a
 * moment, discarding input, so the client is not reset before it reads the answer.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const { code, detail } = PARSER_ERRORS[error.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify(problemBody(code, detail, ""));
  const headers = {
    ...SECURITY_HEADERS,
    "x-request-id": randomUUID(),
    "cache-control": "no-store",
    "content-type": "application/problem+json; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  };
  const status = PROBLEMS[code].status;
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  // The answer to a HEAD request has no body, even when the request could not be parsed.
  const isHead = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString("latin1") === "HEAD ";
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${head}\r\n${isHead ? "" : body}`);
  socket.on("data", () => undefined);
  socket.on("error", () => undefined);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** Fastify's own routing errors (a URL it cannot decode, an over-long path parameter), as problems. */
const FRAMEWORK_ERRORS: Record<string, { code: ProblemCode; detail: string }> = {
  FST_ERR_BAD_URL: { code: "VALIDATION_FAILED", detail: "the URL is malformed (an invalid percent-encoding)" },
  FST_ERR_MAX_PARAM_LENGTH: { code: "INVALID_ID", detail: "a path segment is too long to be an id" },
};

/** Fastify's frameworkErrors option: routing failures answered like every other problem. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = FRAMEWORK_ERRORS[error.code] ?? { code: "VALIDATION_FAILED", detail: "the request is invalid" };
  reply.headers(SECURITY_HEADERS);
  if (request.url.startsWith("/v2/")) reply.header("cache-control", "no-store");
  sendProblem(request, reply, known.code, known.detail);
}
