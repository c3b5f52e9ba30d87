// What the identity features share: wire schemas and views, role parsing, unique names, route helpers.
export { changesOf, countOf, patchNamed, requireChange, requireNotBlank, writeUnique, type NamedPatch } from "./naming.js";
export { annotatorConflict, parseAccountRole, parseMemberRole } from "./roles.js";
export { NO_CONTENT, pageOf, pathId, SECURITY } from "./route-common.js";
export * from "./schemas.js";
export * from "./views.js";
