import type { FastifyReply, FastifyRequest } from "fastify";
import { sendProblem } from "../http/errors.js";
import type {} from "./actor.js"; // request.actor
import type { Authenticator } from "./authenticate.js";

/** The onRequest hook of every authenticated route: 401 and 429 answer before the body is read. */
export function authHook(authenticator: Authenticator) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
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
