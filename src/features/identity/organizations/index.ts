// The organizations feature's only door.
export { organizationRoutes } from "./routes.js";
