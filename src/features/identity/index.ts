// The identity features' only door (SPEC §7): organizations, spaces, users, memberships, and the bootstrap of a new store.
import type { FeatureDeps } from "../../auth/deps.js";
import type { App } from "../../http/route.js";
import { membershipRoutes } from "./memberships/index.js";
import { organizationRoutes } from "./organizations/index.js";
import { spaceRoutes } from "./spaces/index.js";
import { userRoutes } from "./users/index.js";

/** Every route of the identity resources (SPEC §7), inside the authenticated /v2 scope. */
export function identityRoutes(app: App, deps: FeatureDeps): void {
  organizationRoutes(app, deps);
  spaceRoutes(app, deps);
  membershipRoutes(app, deps);
  userRoutes(app, deps);
}

export { bootstrap, DEFAULT_ADMIN, type BootstrapResult } from "./bootstrap.js";
export {
  countOf,
  NO_CONTENT,
  pageOf,
  pathId,
  SECURITY,
  requireChange,
  requireNotBlank,
  writeUnique,
  IDENTITY_SCHEMAS,
  type Organization,
  type OrganizationMembership,
  type Space,
  type SpaceMembership,
  type User,
  wireUserStatus,
} from "./common/index.js";
