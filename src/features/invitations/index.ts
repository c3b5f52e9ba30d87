// The invitations feature's only door (SPEC §14, docs/invitations.md): claim links, their mail, and their routes.
export { claimRoutes, invitationRoutes } from "./routes.js";
export { issueClaimLink, type IssuedLink } from "./links.js";
export { deliverClaimLink, smtpMailer } from "./mail.js";
export type { ClaimLink } from "./schemas.js";
