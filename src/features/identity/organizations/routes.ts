import type { FastifyInstance } from "fastify";
import type { KeyDeps } from "../../../auth/deps.js";
import { authOf } from "../../apikeys/routes.js";
import { paginationOf } from "../../../http/page.js";
import { problemResponses } from "../../../http/schemas.js";
import { createOrganization, deleteOrganization, getOrganization, listVisibleOrganizations, updateOrganization } from "./service.js";
import { NO_CONTENT, pageOf, pathId, SECURITY } from "../common/route-common.js";
import { NamedCreateBody, NamedPatchBody, OrganizationList, OrgParams, PageQuery } from "../common/schemas.js";
import { toOrganizationView } from "../common/views.js";

const TAGS = ["Organizations"];
const ORG = { $ref: "Organization#" };
const orgId = (params: unknown) => pathId("Organization", (params as OrgParams).org_id, "org_id");

/** GET/POST /v2/organizations and GET/PATCH/DELETE /v2/organizations/{org_id} (SPEC §7). */
export function organizationRoutes(app: FastifyInstance, deps: KeyDeps): void {
  app.get(
    "/v2/organizations",
    {
      schema: {
        tags: TAGS,
        summary: "List organizations",
        description: "The organizations the caller holds a role in; account admins see all.",
        operationId: "listOrganizations",
        security: SECURITY,
        querystring: PageQuery,
        response: { 200: OrganizationList, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const page = await listVisibleOrganizations(deps, authOf(request), pageOf(request.query as PageQuery));
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
      const body = request.body as NamedCreateBody;
      const created = await createOrganization(deps, authOf(request), { name: body.name, description: body.description ?? "" });
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
    async (request) => toOrganizationView(await getOrganization(deps, authOf(request), orgId(request.params))),
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
    async (request) =>
      toOrganizationView(await updateOrganization(deps, authOf(request), orgId(request.params), request.body as NamedPatchBody)),
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
      await deleteOrganization(deps, authOf(request), orgId(request.params));
      return reply.code(204).send();
    },
  );
}
