import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ProblemError, problemBody, type ProblemCode } from "./problem.js";
import { maskKeys } from "./redact.js";
import { describeValidationError } from "./validation.js";

/** Fastify's own client errors, by code, mapped to our problems. */
const FASTIFY_ERRORS: Record<string, { code: ProblemCode; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "PAYLOAD_TOO_LARGE", detail: "the request body is larger than the server accepts" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "UNSUPPORTED_MEDIA_TYPE", detail: "send the body as application/json" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "MALFORMED_BODY", detail: "Content-Length does not match the body" },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "MALFORMED_BODY", detail: "the body is not valid JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "MALFORMED_BODY", detail: "the body is empty; send a JSON object" },
  FST_ERR_CTP_INVALID_TYPE: { code: "UNSUPPORTED_MEDIA_TYPE", detail: "the Content-Type header is invalid" },
  FST_ERR_BAD_URL: { code: "VALIDATION_FAILED", detail: "the URL is malformed" },
  FST_ERR_ASYNC_CONSTRAINT: { code: "VALIDATION_FAILED", detail: "the request is invalid" },
};

/** Sends a problem+json response; the request id goes in X-Request-Id (never in the body). */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ProblemCode,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  // Details quote input (a field or query parameter name): a key pasted there is never echoed.
  const body = problemBody(code, maskKeys(detail), maskKeys(request.url.split("?")[0] ?? "/"));
  if (body.status === 401) headers["www-authenticate"] ??= 'Bearer realm="keyhouse"';
  // Routing failures (frameworkErrors) are answered before the onRequest hook that sets it.
  headers["x-request-id"] = request.id;
  return reply.code(body.status).headers(headers).type("application/problem+json; charset=utf-8").send(body);
}

function classify(error: FastifyError): { code: ProblemCode; detail: string; headers?: Record<string, string> } {
  if (error instanceof ProblemError) return { code: error.code, detail: error.detail, headers: error.headers };
  if (error.validation) return { code: "VALIDATION_FAILED", detail: describeValidationError(error.validation, error.validationContext) };
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return known;
  if (error instanceof SyntaxError || error.statusCode === 400)
    return { code: "MALFORMED_BODY", detail: "the request could not be parsed" };
  if (error.statusCode === 413) return FASTIFY_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE as { code: ProblemCode; detail: string };
  if (error.statusCode === 415) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE as { code: ProblemCode; detail: string };
  // Plugins (the console's static files) report client errors by status alone, such as
  // 403 for a path that climbs out of the assets folder or 416 for a bad Range: never a 500.
  if (error.statusCode === 403 || error.statusCode === 404) return { code: "ROUTE_NOT_FOUND", detail: "no such file" };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: "VALIDATION_FAILED", detail: "the request cannot be served as sent" };
  }
  return { code: "INTERNAL", detail: "" };
}

/** The one error handler: everything becomes RFC 9457 problem+json. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = classify(error);
    if (problem.code === "INTERNAL") {
      // Never echo an unknown error: its message may hold SQL or input.
      request.log.error({ err: error }, "unhandled error");
      return sendProblem(request, reply, "INTERNAL", `an internal error occurred; quote request id ${request.id} when reporting it`);
    }
    if (problem.code === "INVALID_STATE" || problem.code === "FORBIDDEN") request.log.info({ code: problem.code }, "request refused");
    return sendProblem(request, reply, problem.code, problem.detail, problem.headers);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, "ROUTE_NOT_FOUND", `no route ${request.method} ${maskKeys(request.url.split("?")[0] ?? "")}`),
  );
}
