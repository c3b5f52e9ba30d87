import type { Permission, PredefinedRole } from "../../auth/catalog.js";
import { encodeId } from "../../http/ids.js";
import { rfc3339 } from "../../http/time.js";
import type { ProjectRow } from "../../store/queries/projects.js";
import type { RestrictionRow } from "../../store/queries/restrictions.js";
import type { RoleBindingRow } from "../../store/queries/role-bindings.js";
import type { RoleRow } from "../../store/queries/roles.js";
import { WIRE_PERMISSIONS, type Project, type ResourceRestriction, type Role, type RoleBinding } from "./schemas.js";

export function toProjectView(row: ProjectRow): Project {
  return {
    id: encodeId("Project", row.id),
    name: row.name,
    space_id: encodeId("Space", row.space_id),
    created_at: rfc3339(row.created_at),
  };
}

/** A predefined or custom role, as the roles routes read it before it is shown. */
export interface RoleRecord {
  id: number;
  name: string;
  description: string | null;
  permissions: readonly Permission[];
  isPredefined: boolean;
  createdAt: number;
  updatedAt: number;
}

export function predefinedRecord(role: PredefinedRole, accountCreatedAt: number): RoleRecord {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    isPredefined: true,
    createdAt: accountCreatedAt,
    updatedAt: accountCreatedAt,
  };
}

export function customRecord(row: RoleRow): RoleRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: JSON.parse(row.permissions) as Permission[],
    isPredefined: false,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const WIRE = new Set<string>(WIRE_PERMISSIONS);

/**
 * A role on Arize's wire. Arize's client rejects a permission value its enum
 * does not define, so keyhouse's own API_KEY_VERIFY is held and enforced but
 * not listed here (docs/access-control.md).
 */
export function toRoleView(role: RoleRecord): Role {
  return {
    id: encodeId("Role", role.id),
    name: role.name,
    ...(role.description === null || role.description === "" ? {} : { description: role.description }),
    permissions: role.permissions.filter((p) => WIRE.has(p)) as Role["permissions"],
    is_predefined: role.isPredefined,
    created_at: rfc3339(role.createdAt),
    updated_at: rfc3339(role.updatedAt),
  };
}

export function toRoleBindingView(row: RoleBindingRow): RoleBinding {
  return {
    id: encodeId("RoleBinding", row.id),
    role_id: encodeId("Role", row.role_id),
    user_id: encodeId("User", row.user_id),
    resource_type: row.resource_type,
    resource_id: encodeId(row.resource_type === "SPACE" ? "Space" : "Project", row.resource_id),
    created_at: rfc3339(row.created_at),
    updated_at: rfc3339(row.updated_at),
  };
}

export function toRestrictionView(row: RestrictionRow): { resource_restriction: ResourceRestriction } {
  return {
    resource_restriction: {
      resource_type: "PROJECT",
      resource_id: encodeId("Project", row.project_id),
      created_at: rfc3339(row.created_at),
    },
  };
}
