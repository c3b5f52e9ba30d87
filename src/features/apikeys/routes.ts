import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Caller } from "../../auth/authenticate.js";
import { requireId } from "../../http/ids.js";
import { problemResponses } from "../../http/schemas.js";
import { parseFutureTimestamp } from "../../http/time.js";
import { ProblemError } from "../../http/problem.js";
import type { KeyDeps, RequestMeta } from "../../auth/deps.js";
import { listKeys } from "./list.js";
import { ApiKeySchema, ApiKeyWithSecretSchema, CreateBody, KeyIdParams, ListQuery, ListResponse, RefreshBody } from "./schemas.js";
import { refreshKey } from "./refresh.js";
import { createKey, deleteKey, requireKeyAccess, type CreateKeyInput } from "./service.js";
import { toApiKeyView } from "./view.js";

const TAGS = ["API keys"];
const SECURITY = [{ bearerAuth: [] }];

/** The caller and request metadata set by the authentication hook. */
export interface Authenticated {
  caller: Caller;
  meta: RequestMeta;
}

export type AuthenticatedRequest = FastifyRequest & { auth: Authenticated };

/** The caller and request metadata of a route in the authenticated `/v2` scope. */
export function authOf(request: FastifyRequest): Authenticated {
  const auth = (request as Partial<AuthenticatedRequest>).auth;
  if (!auth) throw new Error("route registered outside the authenticated scope");
  return auth;
}

/** Parses the create body's cross-field rules into a service input. */
export function toCreateInput(body: CreateBody, now: number): CreateKeyInput {
  if (body.name.trim() === "") throw new ProblemError("VALIDATION_FAILED", { detail: 'body "name" must not be blank' });
  const keyType = body.key_type ?? "user";
  if (keyType === "user" && body.space_id !== undefined) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'body "space_id" is only allowed for service keys' });
  }
  if (keyType === "user" && body.roles !== undefined) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'body "roles" is only allowed for service keys' });
  }
  if (keyType === "service" && body.space_id === undefined) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'body "space_id" is required for service keys' });
  }
  return {
    name: body.name,
    description: body.description ?? null,
    keyType,
    expiresAt: body.expires_at === undefined ? null : parseFutureTimestamp(body.expires_at, 'body "expires_at"', now),
    spaceId: body.space_id === undefined ? null : requireId("Space", body.space_id, 'body "space_id"'),
    roles: {
      spaceRole: body.roles?.space_role ?? "member",
      orgRole: body.roles?.org_role ?? "read-only",
      accountRole: body.roles?.account_role ?? "member",
    },
  };
}

/** The five routes of the API keys resource (SPEC §6). */
export function apiKeyRoutes(app: FastifyInstance, deps: KeyDeps): void {
  app.get(
    "/v2/api-keys",
    {
      schema: {
        tags: TAGS,
        summary: "List API keys",
        operationId: "listApiKeys",
        security: SECURITY,
        querystring: ListQuery,
        response: { 200: ListResponse, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const query = request.query as ListQuery;
      const { caller } = authOf(request);
      const page = await listKeys(deps, caller, {
        keyType: query.key_type,
        status: query.status ?? "active",
        spaceId: query.space_id === undefined ? undefined : requireId("Space", query.space_id, 'query parameter "space_id"'),
        userId: query.user_id === undefined ? undefined : requireId("User", query.user_id, 'query parameter "user_id"'),
        limit: query.limit ?? 50,
        cursor: query.cursor,
      });
      return {
        api_keys: page.keys.map(toApiKeyView),
        pagination: page.nextCursor === undefined ? { has_more: false } : { has_more: true, next_cursor: page.nextCursor },
      };
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
        response: { 201: ApiKeyWithSecretSchema, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { caller, meta } = authOf(request);
      const input = toCreateInput(request.body as CreateBody, deps.now());
      const issued = await createKey(deps, caller, input, meta);
      return reply.code(201).header("cache-control", "no-store").send({ ...toApiKeyView(issued.record), key: issued.rawKey });
    },
  );

  app.get(
    "/v2/api-keys/:api_key_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get an API key",
        operationId: "getApiKey",
        security: SECURITY,
        params: KeyIdParams,
        response: { 200: ApiKeySchema, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { caller } = authOf(request);
      const id = requireId("ApiKey", (request.params as KeyIdParams).api_key_id, "path parameter api_key_id");
      return toApiKeyView(await requireKeyAccess(deps, caller, id, "read"));
    },
  );

  app.delete(
    "/v2/api-keys/:api_key_id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete an API key",
        operationId: "deleteApiKey",
        security: SECURITY,
        params: KeyIdParams,
        response: { 204: { type: "null", description: "Deleted" }, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { caller, meta } = authOf(request);
      const id = requireId("ApiKey", (request.params as KeyIdParams).api_key_id, "path parameter api_key_id");
      await deleteKey(deps, caller, id, meta);
      return reply.code(204).send();
    },
  );

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
        response: { 200: ApiKeyWithSecretSchema, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
      preValidation: async (request) => {
        // The body is optional: no body means the defaults.
        if (request.body === undefined) request.body = {};
      },
    },
    async (request, reply) => {
      const { caller, meta } = authOf(request);
      const id = requireId("ApiKey", (request.params as KeyIdParams).api_key_id, "path parameter api_key_id");
      const body = request.body as RefreshBody;
      const issued = await refreshKey(
        deps,
        caller,
        id,
        {
          expiresAt: body.expires_at === undefined ? null : parseFutureTimestamp(body.expires_at, 'body "expires_at"', deps.now()),
          gracePeriodSeconds: body.grace_period_seconds ?? 0,
        },
        meta,
      );
      return reply.code(200).header("cache-control", "no-store").send({ ...toApiKeyView(issued.record), key: issued.rawKey });
    },
  );
}
