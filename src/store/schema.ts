import type { Generated } from "kysely";

/**
 * The tables, as Kysely sees them. Times are integer milliseconds since the
 * epoch (UTC) in both stores; flags are 0/1 integers, so rows read the same from
 * SQLite and PostgreSQL.
 */
export interface Database {
  accounts: AccountsTable;
  organizations: OrganizationsTable;
  spaces: SpacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  audit_event_targets: AuditEventTargetsTable;
  claim_links: ClaimLinksTable;
  projects: ProjectsTable;
  roles: RolesTable;
  role_bindings: RoleBindingsTable;
  resource_restrictions: ResourceRestrictionsTable;
}

interface AccountsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface OrganizationsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Lower-cased name; unique in the account. */
  name_key: string;
  description: string;
  created_at: number;
  /** Set when deleted; a deleted organization frees its name (docs/identity.md). */
  deleted_at: number | null;
}

export interface SpacesTable {
  id: Generated<number>;
  organization_id: number;
  name: string;
  /** Lower-cased name; unique in the organization. */
  name_key: string;
  description: string;
  created_at: number;
  /** Set when deleted; a deleted space frees its name (docs/identity.md). */
  deleted_at: number | null;
}

export type AccountRole = "admin" | "member" | "annotator";
export type UserStatus = "active" | "invited" | "expired" | "inactive";
export type MemberRole = "admin" | "member" | "read-only" | "annotator";
export type UserKind = "human" | "bot";

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  kind: UserKind;
  name: string;
  /** Null for bot users. */
  email: string | null;
  /** Lower-cased email; unique among humans. */
  email_key: string | null;
  role: AccountRole;
  is_developer: number;
  status: UserStatus;
  created_at: number;
  updated_at: number;
  /** When the current invitation link runs out; an invited user past it (or without one) is `expired` on the wire. */
  invite_expires_at: Generated<number | null>;
}

export type ClaimKind = "invitation" | "recovery";

/** One claim link (docs/invitations.md): only the keyed hash of its token is stored. */
export interface ClaimLinksTable {
  id: Generated<number>;
  user_id: number;
  kind: ClaimKind;
  token_hash: Buffer;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export type MembershipScope = "organization" | "space";

export interface MembershipsTable {
  id: Generated<number>;
  user_id: number;
  scope: MembershipScope;
  /** An organization id or a space id, by scope. */
  scope_id: number;
  /** For space memberships, the space's organization; equal to scope_id for organizations. */
  organization_id: number;
  role: MemberRole;
  created_at: number;
}

export type KeyType = "user" | "service";
type KeyStatus = "active" | "deleted";

export interface ApiKeysTable {
  id: Generated<number>;
  key_type: KeyType;
  name: string;
  description: string | null;
  key_hash: Buffer;
  redacted_key: string;
  /** The user the key acts as: its owner for user keys, its bot user for service keys. */
  principal_user_id: number;
  created_by_user_id: number;
  space_id: number | null;
  status: KeyStatus;
  created_at: number;
  expires_at: number | null;
  deleted_at: number | null;
  last_used_at: number | null;
  /** Set once when the key is rotated; guards against a second rotation. */
  rotated_at: number | null;
  rotated_from_id: number | null;
}

/**
 * The columns of a key read back to the domain: every column but the hash. The
 * check below fails to compile when a column is added to ApiKeysTable and not here.
 */
export const API_KEY_COLUMNS = [
  "id",
  "key_type",
  "name",
  "description",
  "redacted_key",
  "principal_user_id",
  "created_by_user_id",
  "space_id",
  "status",
  "created_at",
  "expires_at",
  "deleted_at",
  "last_used_at",
  "rotated_at",
  "rotated_from_id",
] as const satisfies readonly Exclude<keyof ApiKeysTable, "key_hash">[];
type MissingKeyColumns = Exclude<keyof ApiKeysTable, "key_hash" | (typeof API_KEY_COLUMNS)[number]>;
const everyKeyColumn: [MissingKeyColumns] extends [never] ? true : MissingKeyColumns = true;
void everyKeyColumn;

export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: number;
  action: string;
  actor_user_id: number | null;
  actor_key_id: number | null;
  client_address: string | null;
  request_id: string | null;
  /** JSON object with event details; never a raw key or hash. */
  details: string;
}

interface AuditEventTargetsTable {
  event_id: number;
  /** The target's wire id (for example base64 of `ApiKey:42:x7Qa`). */
  target_id: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  space_id: number;
  name: string;
  /** Lower-cased name; unique in the space. */
  name_key: string;
  created_at: number;
  updated_at: number;
  /** Set when deleted; a deleted project frees its name (docs/access-control.md). */
  deleted_at: number | null;
}

/** A custom role (SPEC §12); predefined roles are data in src/auth/catalog.ts, not rows. */
export interface RolesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Lower-cased name; unique in the account. */
  name_key: string;
  description: string | null;
  /** JSON array of permission names, sorted, without duplicates. */
  permissions: string;
  created_at: number;
  updated_at: number;
}

export type BindingResourceType = "SPACE" | "PROJECT";

export interface RoleBindingsTable {
  id: Generated<number>;
  user_id: number;
  /** A predefined role id (below FIRST_CUSTOM_ROLE_ID) or a custom role's row id. */
  role_id: number;
  resource_type: BindingResourceType;
  /** A space id or a project id, by resource_type. */
  resource_id: number;
  /** The space that is (SPACE) or holds (PROJECT) the resource. */
  space_id: number;
  /** The organization of that space. */
  organization_id: number;
  created_at: number;
  updated_at: number;
}

export interface ResourceRestrictionsTable {
  /** The restricted project; a project is restricted or not, so it is the key. */
  project_id: number;
  created_at: number;
}
