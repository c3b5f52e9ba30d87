import type { FeatureDeps } from "../../../auth/deps.js";
import { paginationOf } from "../../../http/cursor.js";
import type { App } from "../../../http/route.js";
import { problemResponses } from "../../../http/schemas.js";
import { createOrganization, deleteOrganization, getOrganization, listVisibleOrganizations, updateOrganization } from "./service.js";
import {
  NO_CONTENT,
  pageOf,
  pathId,
  SECURITY,
  NamedCreateBody,
  NamedPatchBody,
  OrganizationList,
  OrganizationListQuery,
  OrgParams,
  toOrganizationView,
} from "../common/index.js";

const TAGS = ["Organizations"];
const ORG = { $ref: "Organization#" };
const orgId = (params: OrgParams) => pathId("Organization", params.org_id, "org_id");

/** GET/POST /v2/organizations and GET/PATCH/DELETE /v2/organizations/{org_id} (SPEC §7). */
export function organizationRoutes(app: App, deps: FeatureDeps): void {
  app.get(
    "/v2/organizations",
    {
      schema: {
        tags: TAGS,
        summary: "List organizations",
        description: "The organizations the caller holds a role in; account admins see all. `name` is a case-insensitive substring filter.",
        operationId: "listOrganizations",
        security: SECURITY,
        querystring: OrganizationListQuery,
        response: { 200: OrganizationList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const page = await listVisibleOrganizations(deps, request.actor, request.query.name, pageOf(request.query));
      return { organizations: page.items.map(toOrganizationView), pagination: paginationOf(page) };
    },
  );

  app.post(
    "/v2/organizations",
    {
      schema: {
        tags: TAGS,
        summary: "Create an organization",
        description: "Account admins only. Names are unique in the account, compared case-insensitively (409).",
        operationId: "createOrganization",
        security: SECURITY,
        body: NamedCreateBody,
        response: { 201: ORG, ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await createOrganization(deps, request.actor, { name: body.name, description: body.description ?? "" });
      return reply.code(201).send(toOrganizationView(created));
    },
  );

  app.get(
    "/v2/organizations/:org_id",
    {
      schema: {
        tags: TAGS,
        summary: "Get an organization",
        operationId: "getOrganization",
        security: SECURITY,
        params: OrgParams,
        response: { 200: ORG, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => toOrganizationView(await getOrganization(deps, request.actor, orgId(request.params))),
  );

  app.patch(
    "/v2/organizations/:org_id",
    {
      schema: {
        tags: TAGS,
        summary: "Update an organization",
        description: "Admins of the organization. At least one of name, description.",
        operationId: "updateOrganization",
        security: SECURITY,
        params: OrgParams,
        body: NamedPatchBody,
        response: { 200: ORG, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => toOrganizationView(await updateOrganization(deps, request.actor, orgId(request.params), request.body)),
  );

  app.delete(
    "/v2/organizations/:org_id",
    {
      schema: {
        tags: TAGS,
        summary: "Delete an organization",
        description: "Account admins only; refused (422) while the organization holds spaces. Its memberships are removed.",
        operationId: "deleteOrganization",
        security: SECURITY,
        params: OrgParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await deleteOrganization(deps, request.actor, orgId(request.params));
      return reply.code(204).send(null);
    },
  );
}
