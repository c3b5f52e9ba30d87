import type { FastifyInstance } from "fastify";
import type { KeyDeps } from "../../auth/deps.js";
import { membershipRoutes } from "./memberships/routes.js";
import { organizationRoutes } from "./organizations/routes.js";
import { spaceRoutes } from "./spaces/routes.js";
import { userRoutes } from "./users/routes.js";

/** Every route of the identity resources (SPEC §7), inside the authenticated /v2 scope. */
export function identityRoutes(app: FastifyInstance, deps: KeyDeps): void {
  organizationRoutes(app, deps);
  spaceRoutes(app, deps);
  membershipRoutes(app, deps);
  userRoutes(app, deps);
}

export { IDENTITY_SCHEMAS } from "./common/schemas.js";
