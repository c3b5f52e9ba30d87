/**
 * Wire shapes of the keyhouse API (SPEC §6, §7, §10), as the console reads them:
 * the types the server derives from its own TypeBox schemas (type-only imports,
 * erased from the bundle), so a field added on the server is known here at once.
 */
import type { ApiKey, ApiKeyDetail, ApiKeyWithSecret } from "../../src/features/apikeys/schemas.js";
import type { AuditEvent } from "../../src/features/audit/schemas.js";
import type {
  ACCOUNT_ROLES,
  Organization,
  OrganizationMembership,
  Space,
  SpaceMembership,
  User,
} from "../../src/features/identity/common/schemas.js";

import type { ClaimInspection, ClaimLink } from "../../src/features/invitations/schemas.js";

export type { ApiKey, ApiKeyDetail, AuditEvent, ClaimInspection, ClaimLink, Organization, Space, User };

export type KeyType = ApiKey["key_type"];
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Returned by create and refresh only: `key` is the raw key, shown once. */
export type IssuedKey = ApiKeyWithSecret;

/** A user's role in an organization or a space. */
export type Membership = OrganizationMembership | SpaceMembership;

/** A role as a request names it (the server checks the name and answers 400 for an unknown one). */
export function roleAssignment(name: string): { type: "predefined"; name: string } {
  return { type: "predefined", name };
}
