import type { FeatureDeps } from "../../auth/deps.js";
import { requireId } from "../../http/ids.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { NO_CONTENT, pathId, SECURITY } from "../identity/index.js";
import { paginationOf } from "../../http/cursor.js";
import { listVisibleRestrictions, restrictProject, unrestrictProject } from "./restrictions.js";
import { RestrictionBody, RestrictionCreateBody, RestrictionList, RestrictionListQuery, RestrictionParams } from "./schemas.js";
import { toRestrictionView } from "./views.js";

/** GET and POST /v2/resource-restrictions and DELETE /v2/resource-restrictions/{resource_id} (SPEC §11, §12). */
export function restrictionRoutes(app: App, deps: FeatureDeps): void {
  const tags = ["Resource restrictions"];
  app.get(
    "/v2/resource-restrictions",
    {
      schema: {
        tags,
        summary: "List resource restrictions",
        description: "The restrictions of the projects the caller sees (as GET /v2/projects), newest first.",
        operationId: "listResourceRestrictions",
        security: SECURITY,
        querystring: RestrictionListQuery,
        response: { 200: RestrictionList, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const page = await listVisibleRestrictions(deps, request.actor, { limit: request.query.limit ?? 50, cursor: request.query.cursor });
      return {
        resource_restrictions: page.items.map((row) => toRestrictionView(row).resource_restriction),
        pagination: paginationOf(page),
      };
    },
  );
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
