import type { FeatureDeps } from "../../../auth/deps.js";
import { ApiKeyWithSecretSchema, CreateBody, toApiKeyView, toCreateInput } from "../../apikeys/index.js";
import { paginationOf } from "../../../http/cursor.js";
import { ProblemError } from "../../../http/problem.js";
import type { App } from "../../../http/route.js";
import { problemResponses } from "../../../http/schemas.js";
import {
  parseAccountRole,
  NO_CONTENT,
  pageOf,
  pathId,
  SECURITY,
  UserCreateBody,
  UserList,
  UserListQuery,
  UserParams,
  UserPatchBody,
  toUserView,
} from "../common/index.js";
import { deliverClaimLink } from "../../invitations/index.js";
import { issueKeyForUser } from "./user-keys.js";
import { removeUser } from "./removal.js";
import { changeUser, createUser, getUser, listVisibleUsers } from "./service.js";

const TAGS = ["Users"];
const USER = { $ref: "User#" };
const USER_CREATED = { $ref: "UserCreatedResponse#" };
const userId = (params: UserParams) => pathId("User", params.user_id, "user_id");

/** GET/POST /v2/users, GET/PATCH/DELETE /v2/users/{user_id} and POST /v2/users/{user_id}/api-keys (SPEC §7). */
export function userRoutes(app: App, deps: FeatureDeps): void {
  app.get(
    "/v2/users",
    {
      schema: {
        tags: TAGS,
        summary: "List users",
        description:
          "Account admins see every user; others see themselves and the members of their organizations. Bot users and deleted users " +
          "are never listed. `email` is a case-insensitive substring filter; `status` one of active, invited, expired.",
        operationId: "listUsers",
        security: SECURITY,
        querystring: UserListQuery,
        response: { 200: UserList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await listVisibleUsers(deps, request.actor, { email: query.email, status: query.status }, pageOf(query));
      const now = deps.now();
      return { users: page.items.map((row) => toUserView(row, now)), pagination: paginationOf(page) };
    },
  );

  app.post(
    "/v2/users",
    {
      schema: {
        tags: TAGS,
        summary: "Create a user",
        description:
          "Account admins only. Emails are unique, compared case-insensitively (409). invite_mode none (the default) makes the user " +
          "active; email_link makes them invited with a one-time claim link valid 7 days, mailed when KEYHOUSE_SMTP_URL is set " +
          "(POST /v2/users/{user_id}/claim-link fetches a fresh one); temporary_password is 422: keyhouse has no passwords.",
        operationId: "createUser",
        security: SECURITY,
        body: UserCreateBody,
        response: { 201: USER_CREATED, ...problemResponses(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await createUser(deps, request.actor, {
        name: body.name,
        email: body.email,
        role: parseAccountRole(body.role),
        inviteMode: body.invite_mode ?? "none",
        isDeveloper: body.is_developer,
      });
      // Mailed after the commit; a refusal is logged and audited, and the user still exists (201).
      if (created.link) await deliverClaimLink(deps, request.actor, created.user, created.link, request.log);
      return reply.code(201).send({ ...toUserView(created.user, deps.now()), invite_mode: created.inviteMode });
    },
  );

  app.get(
    "/v2/users/:user_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get a user",
        operationId: "getUser",
        security: SECURITY,
        params: UserParams,
        response: { 200: USER, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toUserView(await getUser(deps, request.actor, userId(request.params)), deps.now()),
  );

  app.patch(
    "/v2/users/:user_id",
    {
      schema: {
        tags: TAGS,
        summary: "Update a user",
        description: "Account admins only. At least one of name, role (account role), is_developer. Your own role cannot be changed (422).",
        operationId: "updateUser",
        security: SECURITY,
        params: UserParams,
        body: UserPatchBody,
        response: { 200: USER, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => {
      const body = request.body;
      const user = await changeUser(deps, request.actor, userId(request.params), {
        name: body.name,
        role: body.role === undefined ? undefined : parseAccountRole(body.role),
        isDeveloper: body.is_developer,
      });
      return toUserView(user, deps.now());
    },
  );

  app.delete(
    "/v2/users/:user_id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete a user",
        description:
          "Account admins only; not yourself (422). The user is gone from the API (404 afterwards, absent from lists; the audit trail " +
          "keeps the history), loses every membership, and their user keys are deleted before the response. Service keys they " +
          "created keep working. Deleting again: 404.",
        operationId: "deleteUser",
        security: SECURITY,
        params: UserParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await removeUser(deps, request.actor, userId(request.params));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/v2/users/:user_id/api-keys",
    {
      schema: {
        tags: TAGS,
        summary: "Issue a user key for a user (extension)",
        description:
          "Account admins only (not with a service key). Body and response as POST /v2/api-keys with key_type user; " +
          "the key acts as that user. The user must not be deleted and must have developer access (422).",
        operationId: "issueUserApiKey",
        security: SECURITY,
        params: UserParams,
        body: CreateBody,
        response: { 201: ApiKeyWithSecretSchema, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.key_type !== undefined && body.key_type !== "user") {
        throw new ProblemError("VALIDATION_FAILED", { detail: 'body "key_type" must be user: this route issues user keys' });
      }
      const input = toCreateInput(body, deps.now());
      const issued = await issueKeyForUser(deps, request.actor, userId(request.params), input);
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ ...toApiKeyView(issued.record), key: issued.rawKey });
    },
  );
}
