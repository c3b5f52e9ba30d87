import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import { requireId } from "../../http/ids.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { NO_CONTENT, pageOf, pathId, SECURITY } from "../identity/index.js";
import { changeBindingRole, createBinding, deleteBinding, getBinding, listBindings } from "./bindings.js";
import { BindingParams, RoleBindingCreateBody, RoleBindingList, RoleBindingListQuery, RoleBindingUpdateBody } from "./schemas.js";
import { toRoleBindingView } from "./views.js";

const BINDING = { $ref: "RoleBinding#" };

/** GET/POST /v2/role-bindings and GET/PATCH/DELETE /v2/role-bindings/{binding_id} (SPEC §12). */
export function bindingRoutes(app: App, deps: FeatureDeps): void {
  const tags = ["Role bindings"];
  const bindingId = (params: BindingParams) => pathId("RoleBinding", params.binding_id, "binding_id");
  app.get(
    "/v2/role-bindings",
    {
      schema: {
        tags,
        summary: "List role bindings",
        description: "The bindings on the spaces (and their projects) the caller administers, newest first.",
        operationId: "listRoleBindings",
        security: SECURITY,
        querystring: RoleBindingListQuery,
        response: { 200: RoleBindingList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const query = request.query;
      const filters = {
        userId: query.user_id === undefined ? undefined : requireId("User", query.user_id, 'query parameter "user_id"'),
        resourceType: query.resource_type,
      };
      const page = await listBindings(deps, request.actor, filters, pageOf(query));
      return { role_bindings: page.items.map(toRoleBindingView), pagination: paginationOf(page) };
    },
  );
  app.post(
    "/v2/role-bindings",
    {
      schema: {
        tags,
        summary: "Grant a role on a space or project",
        description:
          "Admins of the space that is or holds the resource. One binding per user per resource (409); the user must be a member " +
          "of the resource's organization (422).",
        operationId: "createRoleBinding",
        security: SECURITY,
        body: RoleBindingCreateBody,
        response: { 201: BINDING, ...problemResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const resourceType = body.resource_type;
      const input = {
        roleId: requireId("Role", body.role_id, 'body "role_id"'),
        userId: requireId("User", body.user_id, 'body "user_id"'),
        resourceType,
        resourceId: requireId(
          resourceType === "SPACE" ? "Space" : "Project",
          body.resource_id,
          `body "resource_id" (resource_type ${resourceType})`,
        ),
      };
      return reply.code(201).send(toRoleBindingView(await createBinding(deps, request.actor, input)));
    },
  );
  app.get(
    "/v2/role-bindings/:binding_id",
    {
      schema: {
        tags,
        summary: "Get a role binding",
        operationId: "getRoleBinding",
        security: SECURITY,
        params: BindingParams,
        response: { 200: BINDING, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toRoleBindingView(await getBinding(deps, request.actor, bindingId(request.params))),
  );
  app.patch(
    "/v2/role-bindings/:binding_id",
    {
      schema: {
        tags,
        summary: "Change the role a binding grants",
        operationId: "updateRoleBinding",
        security: SECURITY,
        params: BindingParams,
        body: RoleBindingUpdateBody,
        response: { 200: BINDING, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const roleId = requireId("Role", request.body.role_id, 'body "role_id"');
      return toRoleBindingView(await changeBindingRole(deps, request.actor, bindingId(request.params), roleId));
    },
  );
  app.delete(
    "/v2/role-bindings/:binding_id",
    {
      schema: {
        tags,
        summary: "Delete a role binding",
        operationId: "deleteRoleBinding",
        security: SECURITY,
        params: BindingParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await deleteBinding(deps, request.actor, bindingId(request.params));
      return reply.code(204).send(null);
    },
  );
}
