import type { MemberRole } from "../store/schema.js";

/**
 * The permission catalog (SPEC §12): Arize's `Permission` values of the
 * 2026-06 dialect, copied from arize-wire/sdk-8.31.0.json, the ones 2026-07
 * added (sdk-8.42.0.json), plus keyhouse's
 * API_KEY_VERIFY (SPEC §13). keyhouse enforces the key and identity ones
 * itself and stores the rest for the services that use it.
 */
const ARIZE_PERMISSIONS = [
  "AI_PROVIDER_READ",
  "ALYX_RUN",
  "ANNOTATION_CONFIG_CREATE",
  "ANNOTATION_CONFIG_DELETE",
  "ANNOTATION_CONFIG_READ",
  "ANNOTATION_CONFIG_UPDATE",
  "CUSTOM_METRIC_CREATE",
  "CUSTOM_METRIC_DELETE",
  "CUSTOM_METRIC_READ",
  "CUSTOM_METRIC_UPDATE",
  "DASHBOARD_CREATE",
  "DASHBOARD_DELETE",
  "DASHBOARD_READ",
  "DASHBOARD_UPDATE",
  "DATASET_CREATE",
  "DATASET_DELETE",
  "DATASET_EXAMPLE_ANNOTATE",
  "DATASET_EXAMPLE_CREATE",
  "DATASET_EXAMPLE_DELETE",
  "DATASET_EXAMPLE_READ",
  "DATASET_EXAMPLE_UPDATE",
  "DATASET_READ",
  "DATASET_UPDATE",
  "DATA_FABRIC_CONNECTOR_CREATE",
  "DATA_FABRIC_CONNECTOR_DELETE",
  "DATA_FABRIC_CONNECTOR_READ",
  "DATA_FABRIC_CONNECTOR_UPDATE",
  "EVALUATOR_CREATE",
  "EVALUATOR_DELETE",
  "EVALUATOR_READ",
  "EVALUATOR_UPDATE",
  "EXPERIMENT_CREATE",
  "EXPERIMENT_DELETE",
  "EXPERIMENT_EVAL_TASK_CREATE",
  "EXPERIMENT_EVAL_TASK_DELETE",
  "EXPERIMENT_EVAL_TASK_READ",
  "EXPERIMENT_EVAL_TASK_UPDATE",
  "EXPERIMENT_READ",
  "EXPERIMENT_RUN_ANNOTATE",
  "EXPERIMENT_RUN_READ",
  "EXPERIMENT_UPDATE",
  "FILE_IMPORT_CREATE",
  "FILE_IMPORT_DELETE",
  "FILE_IMPORT_READ",
  "FILE_IMPORT_UPDATE",
  "ML_MODEL_CREATE",
  "ML_MODEL_DELETE",
  "ML_MODEL_READ",
  "ML_MODEL_UPDATE",
  "MONITOR_CREATE",
  "MONITOR_DELETE",
  "MONITOR_READ",
  "MONITOR_TRIGGER",
  "MONITOR_UPDATE",
  "ORGANIZATION_CREATE",
  "ORGANIZATION_DELETE",
  "ORGANIZATION_READ",
  "ORGANIZATION_UPDATE",
  "PLAYGROUND_RUN",
  "PLAYGROUND_VIEW_CREATE",
  "PLAYGROUND_VIEW_DELETE",
  "PLAYGROUND_VIEW_READ",
  "PLAYGROUND_VIEW_UPDATE",
  "PROJECT_CREATE",
  "PROJECT_DELETE",
  "PROJECT_EVAL_TASK_CREATE",
  "PROJECT_EVAL_TASK_DELETE",
  "PROJECT_EVAL_TASK_READ",
  "PROJECT_EVAL_TASK_UPDATE",
  "PROJECT_READ",
  "PROJECT_RESTRICT",
  "PROJECT_SPAN_ANNOTATE",
  "PROJECT_SPAN_CREATE",
  "PROJECT_SPAN_DELETE",
  "PROJECT_SPAN_READ",
  "PROJECT_SPAN_UPDATE",
  "PROJECT_UPDATE",
  "PROMPT_CREATE",
  "PROMPT_DELETE",
  "PROMPT_OPTIMIZE_TASK_CREATE",
  "PROMPT_OPTIMIZE_TASK_DELETE",
  "PROMPT_OPTIMIZE_TASK_READ",
  "PROMPT_OPTIMIZE_TASK_UPDATE",
  "PROMPT_READ",
  "PROMPT_UPDATE",
  "QUEUE_CREATE",
  "QUEUE_DELETE",
  "QUEUE_READ",
  "QUEUE_RECORD_ANNOTATE",
  "QUEUE_RECORD_CREATE",
  "QUEUE_RECORD_DELETE",
  "QUEUE_RECORD_READ",
  "QUEUE_RECORD_UPDATE",
  "QUEUE_UPDATE",
  "REMOTE_ENDPOINT_INTEGRATION_CREATE",
  "REMOTE_ENDPOINT_INTEGRATION_DELETE",
  "REMOTE_ENDPOINT_INTEGRATION_READ",
  "REMOTE_ENDPOINT_INTEGRATION_UPDATE",
  "ROLE_BINDING_CREATE",
  "ROLE_BINDING_DELETE",
  "ROLE_BINDING_READ",
  "SERVICE_KEY_CREATE",
  "SERVICE_KEY_DELETE",
  "SERVICE_KEY_READ",
  "SPACE_CREATE",
  "SPACE_DELETE",
  "SPACE_READ",
  "SPACE_UPDATE",
  "TAG_CREATE",
  "TAG_DELETE",
  "TAG_READ",
  "TAG_UPDATE",
  "TRACE_VIEW_CREATE",
  "TRACE_VIEW_DELETE",
  "TRACE_VIEW_READ",
  "TRACE_VIEW_UPDATE",
  "USER_CREATE",
  "USER_DELETE",
  "USER_PERMISSION_UPDATE",
  "USER_READ",
  "USER_UPDATE",
] as const;

/**
 * The values Arize added in the 2026-07 dialect (arize-wire/sdk-8.42.0.json;
 * its SERVICE_KEY_REVOKE is SERVICE_KEY_DELETE renamed, src/http/dialect.ts).
 * Held and accepted in either dialect; the 2026-06 wire leaves them out.
 */
export const PERMISSIONS_2026_07_ONLY = [
  "DATASET_VIEW_CREATE",
  "DATASET_VIEW_DELETE",
  "DATASET_VIEW_READ",
  "DATASET_VIEW_UPDATE",
  "LLM_INTEGRATION_CREATE",
  "LLM_INTEGRATION_DELETE",
  "LLM_INTEGRATION_UPDATE",
  "MANAGED_AGENT_CREATE",
  "MANAGED_AGENT_DELETE",
  "MANAGED_AGENT_READ",
  "MANAGED_AGENT_UPDATE",
] as const;

export const PERMISSIONS = [...ARIZE_PERMISSIONS, ...PERMISSIONS_2026_07_ONLY, "API_KEY_VERIFY"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const KNOWN = new Set<string>(PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return KNOWN.has(value);
}

/** A role that is part of keyhouse (SPEC §8): the four membership roles, read-only to everyone. */
export interface PredefinedRole {
  /** The row number of its wire id (`Role:<id>`); custom roles start at 101. */
  id: number;
  name: MemberRole;
  description: string;
  permissions: readonly Permission[];
}

/** Permissions only an admin holds: administering people, roles, access and the space itself, and deleting anyone's keys. */
const ADMIN_ONLY = new Set<Permission>([
  "ORGANIZATION_CREATE",
  "ORGANIZATION_DELETE",
  "ORGANIZATION_UPDATE",
  "SPACE_CREATE",
  "SPACE_DELETE",
  "SPACE_UPDATE",
  "USER_CREATE",
  "USER_DELETE",
  "USER_UPDATE",
  "USER_PERMISSION_UPDATE",
  "ROLE_BINDING_CREATE",
  "ROLE_BINDING_DELETE",
  "ROLE_BINDING_READ",
  "PROJECT_RESTRICT",
  "SERVICE_KEY_DELETE",
  "API_KEY_VERIFY",
]);

/** What an annotator does: read the records it labels and annotate them. */
const ANNOTATOR = new Set<Permission>([
  "SPACE_READ",
  "PROJECT_READ",
  "PROJECT_SPAN_READ",
  "PROJECT_SPAN_ANNOTATE",
  "DATASET_READ",
  "DATASET_EXAMPLE_READ",
  "DATASET_EXAMPLE_ANNOTATE",
  "EXPERIMENT_READ",
  "EXPERIMENT_RUN_READ",
  "EXPERIMENT_RUN_ANNOTATE",
  "QUEUE_READ",
  "QUEUE_RECORD_READ",
  "QUEUE_RECORD_ANNOTATE",
  "ANNOTATION_CONFIG_READ",
]);

const readOnly = (p: Permission) => p.endsWith("_READ") && !ADMIN_ONLY.has(p);

/**
 * The predefined roles and their permission sets (docs/access-control.md has
 * the table). admin: everything; member: everything but ADMIN_ONLY; read-only:
 * every *_READ but ADMIN_ONLY; annotator: ANNOTATOR. SPEC §8's service key
 * rows follow: SERVICE_KEY_READ for all but annotator, SERVICE_KEY_CREATE for
 * admin and member, SERVICE_KEY_DELETE (any key) for admin only.
 */
export const PREDEFINED_ROLES: readonly PredefinedRole[] = Object.freeze([
  { id: 1, name: "admin", description: "Every permission, administration of people and access included", permissions: [...PERMISSIONS] },
  {
    id: 2,
    name: "member",
    description: "Works with everything in the space; does not administer people, roles, restrictions or others' keys",
    permissions: PERMISSIONS.filter((p) => !ADMIN_ONLY.has(p)),
  },
  {
    id: 3,
    name: "read-only",
    description: "Reads everything in the space except role bindings",
    permissions: PERMISSIONS.filter(readOnly),
  },
  {
    id: 4,
    name: "annotator",
    description: "Reads and annotates spans, dataset examples, experiment runs and queue records",
    permissions: PERMISSIONS.filter((p) => ANNOTATOR.has(p)),
  },
] satisfies PredefinedRole[]);

const BY_ID = new Map(PREDEFINED_ROLES.map((role) => [role.id, role]));
const BY_NAME = new Map<string, PredefinedRole>(PREDEFINED_ROLES.map((role) => [role.name, role]));

export function predefinedRoleById(id: number): PredefinedRole | undefined {
  return BY_ID.get(id);
}

/** The predefined role with this name (compared case-insensitively), if any. */
export function predefinedRoleByName(name: string): PredefinedRole | undefined {
  return BY_NAME.get(name.toLowerCase());
}
