// The access-control feature's only door (SPEC §12): projects, roles, role bindings and resource restrictions.
export { accessRoutes } from "./routes.js";
export { ACCESS_SCHEMAS, type Project, type ResourceRestriction, type Role, type RoleBinding } from "./schemas.js";
