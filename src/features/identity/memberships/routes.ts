import type { FeatureDeps } from "../../../auth/deps.js";
import { requireId, type IdType } from "../../../http/ids.js";
import { paginationOf } from "../../../http/cursor.js";
import type { App } from "../../../http/route.js";
import { problemResponses } from "../../../http/schemas.js";
import type { MembershipScope } from "../../../store/schema.js";
import { listMembers, removeMember, upsertMember } from "./service.js";
import {
  parseMemberRole,
  NO_CONTENT,
  pageOf,
  pathId,
  SECURITY,
  MembershipBody,
  OrganizationMembershipList,
  OrgParams,
  OrgUserParams,
  PageQuery,
  SpaceMembershipList,
  SpaceParams,
  SpaceUserParams,
  toMembershipView,
} from "../common/index.js";

interface ScopeRoutes {
  scope: MembershipScope;
  type: IdType;
  /** The path of the organization or space, with its id parameter. */
  path: string;
  param: string;
  tag: string;
  noun: string;
  idParams: typeof OrgParams | typeof SpaceParams;
  userParams: typeof OrgUserParams | typeof SpaceUserParams;
  membership: string;
  list: typeof OrganizationMembershipList | typeof SpaceMembershipList;
  /** Who may change the members. */
  who: string;
  /** What an upsert also requires. */
  upsertRule: string;
  /** What a removal also does. */
  removal: string;
}

const SCOPES: ScopeRoutes[] = [
  {
    scope: "organization",
    type: "Organization",
    path: "/v2/organizations/:org_id",
    param: "org_id",
    tag: "Organizations",
    noun: "Organization",
    idParams: OrgParams,
    userParams: OrgUserParams,
    membership: "OrganizationMembership#",
    list: OrganizationMembershipList,
    who: "Admins of the organization.",
    upsertRule: "",
    removal: " The user's memberships of the organization's spaces are removed too.",
  },
  {
    scope: "space",
    type: "Space",
    path: "/v2/spaces/:space_id",
    param: "space_id",
    tag: "Spaces",
    noun: "Space",
    idParams: SpaceParams,
    userParams: SpaceUserParams,
    membership: "SpaceMembership#",
    list: SpaceMembershipList,
    who: "Admins of the space (and of its organization).",
    upsertRule: " The user must already be a member of the space's organization (422).",
    removal: "",
  },
];

/** POST/DELETE (and GET, extension) of the members of an organization or a space (SPEC §7). */
function scopeMemberRoutes(app: App, deps: FeatureDeps, s: ScopeRoutes): void {
  const scopeId = (params: Record<string, string>) => pathId(s.type, params[s.param] ?? "", s.param);
  const userId = (params: Record<string, string>) => pathId("User", params.user_id ?? "", "user_id");

  app.get(
    `${s.path}/users`,
    {
      schema: {
        tags: [s.tag],
        summary: `List the members of a ${s.scope} (extension)`,
        description: "Human members and their roles, newest first. Anyone who sees the " + s.scope + " may list them.",
        operationId: `list${s.noun}Users`,
        security: SECURITY,
        params: s.idParams,
        querystring: PageQuery,
        response: { 200: s.list, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const page = await listMembers(deps, request.actor, s.scope, scopeId(request.params), pageOf(request.query));
      return { memberships: page.items.map(toMembershipView), pagination: paginationOf(page) };
    },
  );

  app.post(
    `${s.path}/users`,
    {
      schema: {
        tags: [s.tag],
        summary: `Add a user to a ${s.scope}, or set their role`,
        description:
          `${s.who}${s.upsertRule} An upsert: 200 with the membership, whether the user is added or their role is set. ` +
          '`role` is {"type": "predefined", "name": "<role>"} or the role name alone; custom roles are 400 (a custom role is granted with POST /v2/role-bindings). ' +
          "Annotator rules of SPEC §7: 422.",
        operationId: `add${s.noun}User`,
        security: SECURITY,
        params: s.idParams,
        body: MembershipBody,
        response: { 200: { $ref: s.membership }, ...problemResponses(400, 401, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const role = parseMemberRole(body.role, s.scope);
      const user = requireId("User", body.user_id, 'body "user_id"');
      const membership = await upsertMember(deps, request.actor, s.scope, scopeId(request.params), { userId: user, role });
      // Arize's client expects 200 for a new membership and a changed one alike.
      return reply.code(200).send(toMembershipView(membership));
    },
  );

  app.delete(
    `${s.path}/users/:user_id`,
    {
      schema: {
        tags: [s.tag],
        summary: `Remove a user from a ${s.scope}`,
        description: `${s.who}${s.removal}`,
        operationId: `remove${s.noun}User`,
        security: SECURITY,
        params: s.userParams,
        response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await removeMember(deps, request.actor, s.scope, scopeId(request.params), userId(request.params));
      return reply.code(204).send(null);
    },
  );
}

export function membershipRoutes(app: App, deps: FeatureDeps): void {
  for (const scope of SCOPES) scopeMemberRoutes(app, deps, scope);
}
