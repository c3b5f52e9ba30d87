/** Wire shapes of the keyhouse API (SPEC §6, §7, §10), as the console reads them. */

export type KeyType = "user" | "service";
export type MemberRole = "admin" | "member" | "read-only" | "annotator";
export type AccountRole = "admin" | "member" | "annotator";

export interface ApiKey {
  id: string;
  name: string;
  description?: string;
  key_type: KeyType;
  status: "active" | "deleted";
  redacted_key: string;
  created_at: string;
  expires_at?: string;
  created_by_user_id: string;
  last_used_at?: string;
  space_id?: string;
}

/** Returned by create and refresh only: `key` is the raw key, shown once. */
export interface IssuedKey extends ApiKey {
  key: string;
}

export interface Organization {
  id: string;
  name: string;
  description?: string;
  created_at: string;
}

export interface Space {
  id: string;
  name: string;
  description?: string;
  created_at: string;
  organization_id: string;
}

/** A role on the wire (SPEC §7). */
export interface RoleAssignment {
  type: "predefined";
  name: string;
}

export function roleAssignment(name: string): RoleAssignment {
  return { type: "predefined", name };
}

export interface User {
  id: string;
  name: string;
  email: string;
  created_at: string;
  status: "active" | "invited" | "expired" | "inactive";
  role: RoleAssignment;
  is_developer: boolean;
}

/** A user's role in an organization or a space. */
export interface Membership {
  id: string;
  user_id: string;
  role: RoleAssignment;
}

export interface AuditEvent {
  id: string;
  occurred_at: string;
  action: string;
  actor_user_id?: string;
  actor_key_id?: string;
  target_ids: string[];
  client_address?: string;
  request_id?: string;
  details: Record<string, unknown>;
}
