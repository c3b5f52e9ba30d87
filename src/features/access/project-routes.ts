import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import { requireId } from "../../http/ids.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { NO_CONTENT, pageOf, pathId, SECURITY } from "../identity/index.js";
import { createProject, deleteProject, getProject, listVisibleProjects, updateProject } from "./projects.js";
import { ProjectCreateBody, ProjectList, ProjectListQuery, ProjectParams, ProjectUpdateBody } from "./schemas.js";
import { toProjectView } from "./views.js";

const PROJECT = { $ref: "Project#" };

/** GET/POST /v2/projects and GET/PATCH/DELETE /v2/projects/{project_id} (SPEC §12). */
export function projectRoutes(app: App, deps: FeatureDeps): void {
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
