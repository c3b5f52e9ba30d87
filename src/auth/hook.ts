import type { FastifyReply, FastifyRequest } from "fastify";
import { sendProblem } from "../http/errors.js";
import type {} from "./actor.js"; // request.actor
import type { Authenticator } from "./authenticate.js";

/**
 * How many Authorization headers the request carried. Node keeps only the first
 * in `request.headers`; a proxy in front may read another, so two are refused
 * rather than resolved (docs/decisions.md).
 */
function authorizationCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name !== undefined && name.length === 13 && name.toLowerCase() === "authorization") count += 1;
  }
  return count;
}

/** The onRequest hook of every authenticated route: 400, 401 and 429 answer before the body is read. */
export function authHook(authenticator: Authenticator) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const count = authorizationCount(request.raw.rawHeaders);
    if (count > 1) {
      return sendProblem(
        request,
        reply,
        "VALIDATION_FAILED",
        `the Authorization header was sent ${count} times; send it exactly once, as Authorization: Bearer <key>`,
      );
    }
    const outcome = await authenticator.authenticate(request.headers.authorization, request.ip);
    if (outcome.ok) {
      request.actor = { caller: outcome.caller, meta: { clientAddress: request.ip, requestId: request.id } };
      return undefined;
    }
    if (outcome.reason === "throttled") {
      return sendProblem(request, reply, "TOO_MANY_REQUESTS", "too many failed authentication attempts from this address; retry later", {
        "retry-after": String(outcome.retryAfterSeconds),
      });
    }
    return sendProblem(request, reply, "UNAUTHENTICATED", "a valid API key is required: send Authorization: Bearer <key>");
  };
}
