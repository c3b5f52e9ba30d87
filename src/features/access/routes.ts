import type { FeatureDeps } from "../../auth/deps.js";
import type { App } from "../../http/route.js";
import { bindingRoutes } from "./binding-routes.js";
import { projectRoutes } from "./project-routes.js";
import { restrictionRoutes } from "./restriction-routes.js";
import { roleRoutes } from "./role-routes.js";

/** Every route of the access-control resources (SPEC §12), inside the authenticated /v2 scope. */
export function accessRoutes(app: App, deps: FeatureDeps): void {
  projectRoutes(app, deps);
  roleRoutes(app, deps);
  bindingRoutes(app, deps);
  restrictionRoutes(app, deps);
}
