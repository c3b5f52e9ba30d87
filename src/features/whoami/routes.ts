import { Type } from "typebox";
import { encodeId } from "../../http/ids.js";
import type { App } from "../../http/route.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { wireUserStatus } from "../identity/index.js";
import { problemResponses, StringEnum } from "../../http/schemas.js";

/**
 * GET /v2/whoami (extension, docs/cli.md): who the presented key acts as.
 * SPEC has no "me" endpoint and a key does not reveal its user's id, so the
 * command line needs this to show whom a stored profile logs in as.
 */
const WhoamiResponse = Type.Object(
  {
    user: Type.Object(
      {
        id: Type.String({ description: "The user (or service key's bot user) the key acts as" }),
        name: Type.String(),
        email: Type.Optional(Type.String({ description: "Absent for bot users" })),
        kind: StringEnum(["human", "bot"], { description: "bot: the key is a service key acting as its bot user" }),
        role: Type.Ref("RoleAssignment", { description: "Account role, as the User object carries it" }),
        is_developer: Type.Boolean(),
        status: StringEnum(["active", "invited", "expired"], { description: "As the User object shows it" }),
      },
      { additionalProperties: false },
    ),
    api_key: Type.Object(
      {
        id: Type.String({ description: "The id of the key that authenticated this request" }),
        key_type: StringEnum(["user", "service"]),
        space_id: Type.Optional(Type.String({ description: "The space of a service key" })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** Registers GET /v2/whoami; any valid key may ask about itself (no developer flag needed). */
export function whoamiRoute(app: App, deps: Pick<FeatureDeps, "now">): void {
  app.get(
    "/v2/whoami",
    {
      schema: {
        tags: ["Extensions"],
        summary: "Who the presented API key acts as",
        operationId: "whoami",
        security: [{ bearerAuth: [] }],
        response: { 200: WhoamiResponse, ...problemResponses(401, 429) },
      },
    },
    async (request) => {
      const { user, keyId, keyType, keySpaceId } = request.actor.caller;
      return {
        user: {
          id: encodeId("User", user.id),
          name: user.name,
          ...(user.email === null ? {} : { email: user.email }),
          kind: user.kind,
          role: { type: "predefined", name: user.role },
          is_developer: user.kind === "bot" || user.is_developer === 1,
          // A deleted user's key never authenticates, so the caller always has a wire status.
          status: wireUserStatus(user, deps.now()),
        },
        api_key: {
          id: encodeId("ApiKey", keyId),
          key_type: keyType,
          ...(keySpaceId === null ? {} : { space_id: encodeId("Space", keySpaceId) }),
        },
      };
    },
  );
}
