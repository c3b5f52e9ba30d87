import type { FastifyReply } from "fastify";
import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { requireId } from "../../http/ids.js";
import { problemResponses } from "../../http/schemas.js";
import { parseFutureTimestamp } from "../../http/time.js";
import type { App } from "../../http/route.js";
import { paginationOf } from "../../http/cursor.js";
import { countKeys, listKeys } from "./list.js";
import { toCreateInput } from "./create-input.js";
import { ApiKeyCreatedRef, ApiKeyDetailRef, CreateBody, KeyIdParams, ListQuery, ListResponse, RefreshBody } from "./schemas.js";
import { refreshKey } from "./refresh.js";
import { createKey, deleteKey, requireKeyAccess } from "./service.js";
import { toApiKeyDetailView, toApiKeyView, toBotUserView } from "./view.js";

const TAGS = ["API keys"];
const SECURITY = [{ bearerAuth: [] }];

/** The five routes of the API keys resource (SPEC §6). */
export function apiKeyRoutes(app: App, deps: FeatureDeps): void {
  app.get(
    "/v2/api-keys",
    {
      schema: {
        tags: TAGS,
        summary: "List API keys",
        description:
          "Extensions: `name_contains` (a substring of the name), `all_users=true` (account admins: every user's keys), " +
          "and the request header `keyhouse-count: exact`, answered by the header `keyhouse-total-count` (all pages).",
        operationId: "listApiKeys",
        security: SECURITY,
        querystring: ListQuery,
        response: { 200: ListResponse, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const input = {
        keyType: query.key_type,
        status: query.status ?? "active",
        spaceId: query.space_id === undefined ? undefined : requireId("Space", query.space_id, 'query parameter "space_id"'),
        userId: query.user_id === undefined ? undefined : requireId("User", query.user_id, 'query parameter "user_id"'),
        allUsers: query.all_users === "true",
        nameContains: query.name_contains,
        limit: query.limit ?? 50,
        cursor: query.cursor,
      };
      const page = await listKeys(deps, request.actor.caller, input);
      // Extension: asked with `keyhouse-count: exact`, the total over every page comes as a header, never in the body.
      if (request.headers["keyhouse-count"] === "exact") {
        reply.header("keyhouse-total-count", String(await countKeys(deps, request.actor.caller, input)));
      }
      return { api_keys: page.items.map(toApiKeyView), pagination: paginationOf(page) };
    },
  );

  app.post(
    "/v2/api-keys",
    {
      schema: {
        tags: TAGS,
        summary: "Create an API key",
        operationId: "createApiKey",
        security: SECURITY,
        body: CreateBody,
        response: { 201: ApiKeyCreatedRef, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const input = toCreateInput(request.body, deps.now());
      const issued = await createKey(deps, request.actor, input);
      // bot_user is 2026-07's; 2026-06's ApiKeyCreated serializer leaves it out.
      const bot = issued.bot === undefined ? {} : { bot_user: toBotUserView(issued.bot) };
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ ...toApiKeyView(issued.record), key: issued.rawKey, ...bot });
    },
  );

  app.get(
    "/v2/api-keys/:api_key_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get an API key (extension)",
        description:
          "keyhouse's own route (Arize has no get-one): the key as `ApiKeyDetail`, which adds the space of a service key (`space_id`). " +
          "Same read rules as the list.",
        operationId: "getApiKey",
        security: SECURITY,
        params: KeyIdParams,
        response: { 200: ApiKeyDetailRef, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const id = requireId("ApiKey", request.params.api_key_id, "path parameter api_key_id");
      return toApiKeyDetailView(await requireKeyAccess(deps, request.actor.caller, id, "read"));
    },
  );

  // 2026-06 revokes with DELETE, 2026-07 with PUT .../revoke (SPEC §11): one handler, both routes, either dialect.
  const revoke = async (request: { params: KeyIdParams; actor: Actor }, reply: FastifyReply) => {
    const id = requireId("ApiKey", request.params.api_key_id, "path parameter api_key_id");
    await deleteKey(deps, request.actor, id);
    return reply.code(204).send(null);
  };
  const revokeSchema = (summary: string, operationId: string) => ({
    tags: TAGS,
    summary,
    operationId,
    security: SECURITY,
    params: KeyIdParams,
    response: { 204: { type: "null", description: "Revoked (also when it already was)" }, ...problemResponses(400, 401, 403, 404, 429) },
  });
  app.delete("/v2/api-keys/:api_key_id", { schema: revokeSchema("Delete (revoke) an API key", "deleteApiKey") }, revoke);
  app.put("/v2/api-keys/:api_key_id/revoke", { schema: revokeSchema("Revoke an API key (2026-07)", "revokeApiKey") }, revoke);

  app.post(
    "/v2/api-keys/:api_key_id/refresh",
    {
      schema: {
        tags: TAGS,
        summary: "Refresh (rotate) an API key",
        operationId: "refreshApiKey",
        security: SECURITY,
        params: KeyIdParams,
        body: RefreshBody,
        response: { 200: ApiKeyCreatedRef, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
      preValidation: async (request) => {
        // The body is optional: no body means the defaults.
        if (request.body === undefined) request.body = {};
      },
    },
    async (request, reply) => {
      const id = requireId("ApiKey", request.params.api_key_id, "path parameter api_key_id");
      const body = request.body;
      const issued = await refreshKey(deps, request.actor, id, {
        expiresAt: body.expires_at === undefined ? null : parseFutureTimestamp(body.expires_at, 'body "expires_at"', deps.now()),
        gracePeriodSeconds: body.grace_period_seconds ?? 0,
      });
      return reply
        .code(200)
        .header("cache-control", "no-store")
        .send({ ...toApiKeyView(issued.record), key: issued.rawKey });
    },
  );
}
