import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { NO_CONTENT, pageOf, pathId, SECURITY } from "../identity/index.js";
import { createRole, getRole, listAllRoles, patchRole, removeRole } from "./roles.js";
import { RoleCreateBody, RoleList, RoleListQuery, RoleParams, RoleUpdateBody } from "./schemas.js";
import { toRoleView } from "./views.js";

const ROLE = { $ref: "Role#" };

/** GET/POST /v2/roles and GET/PATCH/DELETE /v2/roles/{role_id} (SPEC §12). */
export function roleRoutes(app: App, deps: FeatureDeps): void {
  const tags = ["Roles"];
  const roleId = (params: RoleParams) => pathId("Role", params.role_id, "role_id");
  app.get(
    "/v2/roles",
    {
      schema: {
        tags,
        summary: "List roles",
        description: "The predefined roles (is_predefined true) and the account's custom roles, newest first.",
        operationId: "listRoles",
        security: SECURITY,
        querystring: RoleListQuery,
        response: { 200: RoleList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const page = await listAllRoles(deps, request.actor, request.query.is_predefined, pageOf(request.query));
      return { roles: page.items.map(toRoleView), pagination: paginationOf(page) };
    },
  );
  app.post(
    "/v2/roles",
    {
      schema: {
        tags,
        summary: "Create a custom role",
        description: "Account admins. The name is unique in the account (409); permissions are a non-empty set of known permissions (400).",
        operationId: "createRole",
        security: SECURITY,
        body: RoleCreateBody,
        response: { 201: ROLE, ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const role = await createRole(deps, request.actor, {
        name: body.name,
        description: body.description ?? null,
        permissions: body.permissions,
      });
      return reply.code(201).send(toRoleView(role));
    },
  );
  app.get(
    "/v2/roles/:role_id",
    {
      schema: {
        tags,
        summary: "Get a role",
        operationId: "getRole",
        security: SECURITY,
        params: RoleParams,
        response: { 200: ROLE, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toRoleView(await getRole(deps, request.actor, roleId(request.params))),
  );
  app.patch(
    "/v2/roles/:role_id",
    {
      schema: {
        tags,
        summary: "Update a custom role",
        description: "Account admins; predefined roles cannot be changed (403). Permissions, when given, replace the role's.",
        operationId: "updateRole",
        security: SECURITY,
        params: RoleParams,
        body: RoleUpdateBody,
        response: { 200: ROLE, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => toRoleView(await patchRole(deps, request.actor, roleId(request.params), request.body)),
  );
  app.delete(
    "/v2/roles/:role_id",
    {
      schema: {
        tags,
        summary: "Delete a custom role",
        description: "Account admins; predefined roles cannot be deleted (403), a role still bound is 422.",
        operationId: "deleteRole",
        security: SECURITY,
        params: RoleParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await removeRole(deps, request.actor, roleId(request.params));
      return reply.code(204).send(null);
    },
  );
}
