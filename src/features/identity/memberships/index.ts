// The memberships feature's only door.
export { membershipRoutes } from "./routes.js";
