import type { FastifyInstance } from "fastify";
import type { KeyDeps } from "../apikeys/deps.js";
import { membershipRoutes } from "./routes-memberships.js";
import { organizationRoutes } from "./routes-organizations.js";
import { spaceRoutes } from "./routes-spaces.js";
import { userRoutes } from "./routes-users.js";

/** Every route of the identity resources (SPEC §7), inside the authenticated /v2 scope. */
export function identityRoutes(app: FastifyInstance, deps: KeyDeps): void {
  organizationRoutes(app, deps);
  spaceRoutes(app, deps);
  membershipRoutes(app, deps);
  userRoutes(app, deps);
}

export { IDENTITY_SCHEMAS } from "./schemas.js";
