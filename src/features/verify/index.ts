// The verification feature's only door (SPEC §13, docs/verify.md): POST /v2/api-keys/verify and GET /v2/api-keys/events.
export { verifyRoutes } from "./routes.js";
export { eventRoutes, EVENT_STREAM_DEFAULTS, type EventStreamOptions } from "./events-route.js";
