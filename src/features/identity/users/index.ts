// The users feature's only door.
export { userRoutes } from "./routes.js";
