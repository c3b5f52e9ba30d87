// The spaces feature's only door.
export { spaceRoutes } from "./routes.js";
