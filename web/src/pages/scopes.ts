/** Organizations and spaces share one page shape; this says where each lives on the wire. */
export type ScopeKind = "organizations" | "spaces";

export const SCOPES: Record<ScopeKind, { title: string; singular: string; path: string; listKey: string }> = {
  organizations: { title: "Organizations", singular: "organization", path: "/v2/organizations", listKey: "organizations" },
  spaces: { title: "Spaces", singular: "space", path: "/v2/spaces", listKey: "spaces" },
};

export const MEMBER_ROLES = ["admin", "member", "read-only", "annotator"] as const;
