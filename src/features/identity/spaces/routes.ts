import type { FeatureDeps } from "../../../auth/deps.js";
import { requireId } from "../../../http/ids.js";
import { paginationOf } from "../../../http/cursor.js";
import type { App } from "../../../http/route.js";
import { problemResponses } from "../../../http/schemas.js";
import {
  NO_CONTENT,
  pageOf,
  pathId,
  SECURITY,
  NamedPatchBody,
  SpaceCreateBody,
  SpaceList,
  SpaceListQuery,
  SpaceParams,
  toSpaceView,
} from "../common/index.js";
import { createSpace, deleteSpace, getSpace, listVisibleSpaces, updateSpace } from "./service.js";

const TAGS = ["Spaces"];
const SPACE = { $ref: "Space#" };
const spaceId = (params: SpaceParams) => pathId("Space", params.space_id, "space_id");

/** GET/POST /v2/spaces and GET/PATCH/DELETE /v2/spaces/{space_id} (SPEC §7). */
export function spaceRoutes(app: App, deps: FeatureDeps): void {
  app.get(
    "/v2/spaces",
    {
      schema: {
        tags: TAGS,
        summary: "List spaces",
        description:
          "The spaces the caller holds a role in (organization admins: every space of their organizations; account admins: all). " +
          "`name` is a case-insensitive substring filter, `org_id` keeps one organization's spaces.",
        operationId: "listSpaces",
        security: SECURITY,
        querystring: SpaceListQuery,
        response: { 200: SpaceList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const query = request.query;
      const filters = {
        organizationId: query.org_id === undefined ? undefined : requireId("Organization", query.org_id, 'query parameter "org_id"'),
        name: query.name,
      };
      const page = await listVisibleSpaces(deps, request.actor, filters, pageOf(query));
      return { spaces: page.items.map(toSpaceView), pagination: paginationOf(page) };
    },
  );

  app.post(
    "/v2/spaces",
    {
      schema: {
        tags: TAGS,
        summary: "Create a space",
        description: "Admins of the organization. Names are unique in the organization, compared case-insensitively (409).",
        operationId: "createSpace",
        security: SECURITY,
        body: SpaceCreateBody,
        response: { 201: SPACE, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await createSpace(deps, request.actor, {
        name: body.name,
        description: body.description ?? "",
        organizationId: requireId("Organization", body.organization_id, 'body "organization_id"'),
      });
      return reply.code(201).send(toSpaceView(created));
    },
  );

  app.get(
    "/v2/spaces/:space_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get a space",
        operationId: "getSpace",
        security: SECURITY,
        params: SpaceParams,
        response: { 200: SPACE, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toSpaceView(await getSpace(deps, request.actor, spaceId(request.params))),
  );

  app.patch(
    "/v2/spaces/:space_id",
    {
      schema: {
        tags: TAGS,
        summary: "Update a space",
        description: "Admins of the space's organization. At least one of name, description.",
        operationId: "updateSpace",
        security: SECURITY,
        params: SpaceParams,
        body: NamedPatchBody,
        response: { 200: SPACE, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => toSpaceView(await updateSpace(deps, request.actor, spaceId(request.params), request.body)),
  );

  app.delete(
    "/v2/spaces/:space_id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete a space",
        description:
          "Admins of the space's organization; refused (422) while service keys of the space still work. Its memberships are removed.",
        operationId: "deleteSpace",
        security: SECURITY,
        params: SpaceParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await deleteSpace(deps, request.actor, spaceId(request.params));
      return reply.code(204).send(null);
    },
  );
}
