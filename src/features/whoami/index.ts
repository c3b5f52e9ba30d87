// The whoami feature's only door: GET /v2/whoami.
export { whoamiRoute } from "./routes.js";
