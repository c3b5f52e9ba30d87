import { requireApiAccess, requirePermission } from "../../auth/access.js";
import type { Authenticator } from "../../auth/authenticate.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { ACCOUNT } from "../../auth/engine.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { VerifyBody, VerifyResponse } from "./schemas.js";
import { askedResource, verifyKey } from "./verify.js";

/** Registers POST /v2/api-keys/verify (SPEC §13): a service of the account asks what a customer's key stands for. */
export function verifyRoutes(app: App, deps: Pick<FeatureDeps, "store">, authenticator: Authenticator): void {
  app.post(
    "/v2/api-keys/verify",
    {
      schema: {
        tags: ["Extensions"],
        summary: "Verify an API key presented to your own service",
        operationId: "verifyApiKey",
        security: [{ bearerAuth: [] }],
        body: VerifyBody,
        response: { 200: VerifyResponse, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { principal, user } = request.actor.caller;
      requireApiAccess(principal);
      requirePermission(principal, "API_KEY_VERIFY", ACCOUNT, "verify API keys");
      const { key, permissions } = request.body;
      const resource = askedResource(request.body.resource);
      // The answer depends on the moment it was given: a cache in front of this route must not keep it.
      void reply.header("cache-control", "no-store");
      return verifyKey(authenticator, deps.store.db, user.account_id, { key, permissions, resource });
    },
  );
}
