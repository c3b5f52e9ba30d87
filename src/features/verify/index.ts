// The verification feature's only door (SPEC §13, docs/verify.md).
export { verifyRoutes } from "./routes.js";
