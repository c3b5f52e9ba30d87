import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import { requireId } from "../../http/ids.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { NO_CONTENT, pageOf, pathId, SECURITY } from "../identity/index.js";
import { changeBindingRole, createBinding, deleteBinding, getBinding, listBindings } from "./bindings.js";
import { createProject, deleteProject, getProject, listVisibleProjects, updateProject } from "./projects.js";
import { restrictProject, unrestrictProject } from "./restrictions.js";
import { createRole, getRole, listAllRoles, patchRole, removeRole } from "./roles.js";
import {
  BindingParams,
  ProjectCreateBody,
  ProjectList,
  ProjectListQuery,
  ProjectParams,
  ProjectUpdateBody,
  RestrictionBody,
  RestrictionCreateBody,
  RestrictionParams,
  RoleBindingCreateBody,
  RoleBindingList,
  RoleBindingListQuery,
  RoleBindingUpdateBody,
  RoleCreateBody,
  RoleList,
  RoleListQuery,
  RoleParams,
  RoleUpdateBody,
} from "./schemas.js";
import { toProjectView, toRestrictionView, toRoleBindingView, toRoleView } from "./views.js";

const PROJECT = { $ref: "Project#" };
const ROLE = { $ref: "Role#" };
const BINDING = { $ref: "RoleBinding#" };

/** GET/POST /v2/projects and GET/PATCH/DELETE /v2/projects/{project_id} (SPEC §12). */
function projectRoutes(app: App, deps: FeatureDeps): void {
  const tags = ["Projects"];
  const projectId = (params: ProjectParams) => pathId("Project", params.project_id, "project_id");
  app.get(
    "/v2/projects",
    {
      schema: {
        tags,
        summary: "List projects",
        description:
          "Projects of the spaces the caller sees. `space_id` keeps one space (none when the caller cannot see it), `space_name` the spaces " +
          "with that name (exact, case-insensitive), `name` is a case-insensitive substring of the project name.",
        operationId: "listProjects",
        security: SECURITY,
        querystring: ProjectListQuery,
        response: { 200: ProjectList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const query = request.query;
      const filters = {
        spaceId: query.space_id === undefined ? undefined : requireId("Space", query.space_id, 'query parameter "space_id"'),
        spaceName: query.space_name,
        name: query.name,
      };
      const page = await listVisibleProjects(deps, request.actor, filters, pageOf(query));
      return { projects: page.items.map(toProjectView), pagination: paginationOf(page) };
    },
  );
  app.post(
    "/v2/projects",
    {
      schema: {
        tags,
        summary: "Create a project",
        description:
          "Needs PROJECT_CREATE in the space (its admins and members). Names are unique in the space, compared case-insensitively (409).",
        operationId: "createProject",
        security: SECURITY,
        body: ProjectCreateBody,
        response: { 201: PROJECT, ...problemResponses(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const spaceId = requireId("Space", request.body.space_id, 'body "space_id"');
      const created = await createProject(deps, request.actor, { name: request.body.name, spaceId });
      return reply.code(201).send(toProjectView(created));
    },
  );
  app.get(
    "/v2/projects/:project_id",
    {
      schema: {
        tags,
        summary: "Get a project",
        operationId: "getProject",
        security: SECURITY,
        params: ProjectParams,
        response: { 200: PROJECT, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toProjectView(await getProject(deps, request.actor, projectId(request.params))),
  );
  app.patch(
    "/v2/projects/:project_id",
    {
      schema: {
        tags,
        summary: "Rename a project",
        description: "Needs PROJECT_UPDATE in the space. A name another project of the space holds is 422 (Arize's update answers no 409).",
        operationId: "updateProject",
        security: SECURITY,
        params: ProjectParams,
        body: ProjectUpdateBody,
        response: { 200: PROJECT, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request) => toProjectView(await updateProject(deps, request.actor, projectId(request.params), request.body.name)),
  );
  app.delete(
    "/v2/projects/:project_id",
    {
      schema: {
        tags,
        summary: "Delete a project",
        description: "Needs PROJECT_DELETE in the space. Its role bindings and its restriction are removed with it.",
        operationId: "deleteProject",
        security: SECURITY,
        params: ProjectParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await deleteProject(deps, request.actor, projectId(request.params));
      return reply.code(204).send(null);
    },
  );
}

/** GET/POST /v2/roles and GET/PATCH/DELETE /v2/roles/{role_id} (SPEC §12). */
function roleRoutes(app: App, deps: FeatureDeps): void {
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

/** GET/POST /v2/role-bindings and GET/PATCH/DELETE /v2/role-bindings/{binding_id} (SPEC §12). */
function bindingRoutes(app: App, deps: FeatureDeps): void {
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

/** POST /v2/resource-restrictions and DELETE /v2/resource-restrictions/{resource_id} (SPEC §12). */
function restrictionRoutes(app: App, deps: FeatureDeps): void {
  const tags = ["Resource restrictions"];
  app.post(
    "/v2/resource-restrictions",
    {
      schema: {
        tags,
        summary: "Restrict a project",
        description:
          "Admins of the project's space. Only bindings on the project itself count in a restricted project (with space and account " +
          "admins). Restricting a restricted project answers its restriction again (200).",
        operationId: "createResourceRestriction",
        security: SECURITY,
        body: RestrictionCreateBody,
        response: { 200: RestrictionBody, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const projectId = requireId("Project", request.body.resource_id, 'body "resource_id"');
      return toRestrictionView(await restrictProject(deps, request.actor, projectId));
    },
  );
  app.delete(
    "/v2/resource-restrictions/:resource_id",
    {
      schema: {
        tags,
        summary: "Lift a project's restriction",
        description: "Admins of the project's space; 404 when the project is not restricted.",
        operationId: "deleteResourceRestriction",
        security: SECURITY,
        params: RestrictionParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await unrestrictProject(deps, request.actor, pathId("Project", request.params.resource_id, "resource_id"));
      return reply.code(204).send(null);
    },
  );
}

/** Every route of the access-control resources (SPEC §12), inside the authenticated /v2 scope. */
export function accessRoutes(app: App, deps: FeatureDeps): void {
  projectRoutes(app, deps);
  roleRoutes(app, deps);
  bindingRoutes(app, deps);
  restrictionRoutes(app, deps);
}
