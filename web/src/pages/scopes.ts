import { displayText } from "../components/StoredText";
/** Organizations and spaces share one page shape; this says where each lives on the wire. */
export type ScopeKind = "organizations" | "spaces";

export const SCOPES: Record<ScopeKind, { title: string; singular: string; path: string; listKey: string }> = {
  organizations: { title: "Organizations", singular: "organization", path: "/v2/organizations", listKey: "organizations" },
  spaces: { title: "Spaces", singular: "space", path: "/v2/spaces", listKey: "spaces" },
};

import type { Organization, User } from "../types";

export function orgChoices(organizations: Organization[]): { value: string; label: string }[] {
  return organizations.map((org) => ({ value: org.id, label: org.name }));
}

export function userChoices(users: User[]): { value: string; label: string }[] {
  return users.map((user) => ({ value: user.id, label: `${displayText(user.name)} (${displayText(user.email)})` }));
}

export const MEMBER_ROLES = ["admin", "member", "read-only", "annotator"] as const;
