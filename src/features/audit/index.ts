// The audit feature's only door: the one entry point that records a change (a leaf every feature calls), and its routes.
export { auditTarget, recordAudit, type AuditAction, type AuditTarget, type ClaimantActor } from "./record.js";
export type { AuditEvent } from "./schemas.js";
export { auditRoutes } from "./routes.js";
export { AUDIT_SCHEMAS } from "./schemas.js";
