import { Type, type Static, type TSchema } from "typebox";
import { PERMISSIONS, PERMISSIONS_2026_07_ONLY } from "../../auth/catalog.js";
import {
  CursorQuery,
  IdString,
  LimitQuery,
  LINE_PATTERN,
  PaginationSchema,
  StringEnum,
  TEXT_PATTERN,
  Timestamp,
} from "../../http/schemas.js";

// The wire of Arize's projects, roles, role bindings and resource restrictions
// (SPEC §12), exactly as arize-wire/sdk-8.31.0.json has it: responses carry
// these members and no others.

/**
 * The permission values a role shows on the wire: the catalog without keyhouse's
 * own API_KEY_VERIFY. The 2026-06 response schema lists only that dialect's
 * values; the edge leaves 2026-07's own ones out of 2026-06 bodies (src/http/dialect.ts).
 */
export const WIRE_PERMISSIONS = PERMISSIONS.filter((p) => p !== "API_KEY_VERIFY");
const ONLY_2026_07 = new Set<string>(PERMISSIONS_2026_07_ONLY);
const WIRE_PERMISSIONS_2026_06 = WIRE_PERMISSIONS.filter((p) => !ONLY_2026_07.has(p));
const RESOURCE_TYPES = ["SPACE", "PROJECT"] as const;

const ProjectSchema = Type.Object(
  {
    id: IdString("The project ID"),
    name: Type.String({ description: "The project name" }),
    space_id: IdString("The space ID the project belongs to"),
    created_at: Timestamp("When the project was created"),
  },
  { $id: "Project", additionalProperties: false },
);

const RoleSchema = Type.Object(
  {
    id: IdString("Unique identifier for the role"),
    name: Type.String({ description: "Human-readable name of the role" }),
    description: Type.Optional(Type.String({ description: "A brief description of the role's purpose; omitted when empty" })),
    permissions: Type.Array(StringEnum(WIRE_PERMISSIONS_2026_06), { description: "The permissions the role grants" }),
    is_predefined: Type.Boolean({ description: "Predefined roles cannot be updated or deleted" }),
    created_at: Timestamp("When the role was created"),
    updated_at: Timestamp("When the role was last updated"),
  },
  { $id: "Role", additionalProperties: false },
);

const RoleBindingSchema = Type.Object(
  {
    id: IdString("Unique identifier for the role binding"),
    role_id: IdString("The role granted"),
    user_id: IdString("The user it is granted to"),
    resource_type: StringEnum(RESOURCE_TYPES),
    resource_id: IdString("The space or project it is granted on"),
    created_at: Timestamp("When the binding was created"),
    updated_at: Timestamp("When the binding was last updated"),
  },
  { $id: "RoleBinding", additionalProperties: false },
);

const ResourceRestrictionSchema = Type.Object(
  {
    resource_type: StringEnum(["PROJECT"]),
    resource_id: IdString("The ID of the restricted resource"),
    created_at: Timestamp("When the restriction was created"),
  },
  { $id: "ResourceRestriction", additionalProperties: false },
);

export type Project = Static<typeof ProjectSchema>;
export type Role = Static<typeof RoleSchema>;
export type RoleBinding = Static<typeof RoleBindingSchema>;
export type ResourceRestriction = Static<typeof ResourceRestrictionSchema>;

/** Every shared schema of the access-control resources, for app.addSchema. */
export const ACCESS_SCHEMAS: TSchema[] = [ProjectSchema, RoleSchema, RoleBindingSchema, ResourceRestrictionSchema];

const listOf = (key: string, ref: string) =>
  Type.Object({ [key]: Type.Array(Type.Ref(ref)), pagination: PaginationSchema }, { additionalProperties: false });
export const ProjectList = listOf("projects", "Project");
export const RoleList = listOf("roles", "Role");
export const RoleBindingList = listOf("role_bindings", "RoleBinding");
const paging = { limit: Type.Optional(LimitQuery), cursor: Type.Optional(CursorQuery) };
export const RestrictionList = listOf("resource_restrictions", "ResourceRestriction");
export const RestrictionListQuery = Type.Object(
  { resource_type: Type.Optional(StringEnum(["PROJECT"], { description: "Only restrictions of projects (the one kind)" })), ...paging },
  { additionalProperties: false },
);
export const RestrictionBody = Type.Object({ resource_restriction: Type.Ref("ResourceRestriction") }, { additionalProperties: false });

const NameFilter = (description: string) => Type.String({ minLength: 1, maxLength: 256, pattern: LINE_PATTERN, description });

export const ProjectListQuery = Type.Object(
  {
    space_id: Type.Optional(IdString("Only projects of this space")),
    space_name: Type.Optional(NameFilter("Only projects of the spaces with this name (exact, case-insensitive)")),
    name: Type.Optional(NameFilter("Case-insensitive substring of the project name")),
    ...paging,
  },
  { additionalProperties: false },
);
export type ProjectListQuery = Static<typeof ProjectListQuery>;

export const RoleListQuery = Type.Object(
  { is_predefined: Type.Optional(Type.Boolean({ description: "true: only predefined roles; false: only custom roles" })), ...paging },
  { additionalProperties: false },
);
export type RoleListQuery = Static<typeof RoleListQuery>;

export const RoleBindingListQuery = Type.Object(
  {
    user_id: Type.Optional(IdString("Only bindings of this user")),
    resource_type: Type.Optional(StringEnum(RESOURCE_TYPES, { description: "Only bindings on spaces, or on projects" })),
    ...paging,
  },
  { additionalProperties: false },
);
export type RoleBindingListQuery = Static<typeof RoleBindingListQuery>;

const ProjectName = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: LINE_PATTERN,
  description: "Unique in the space (case-insensitive)",
});
export const ProjectCreateBody = Type.Object(
  { name: ProjectName, space_id: IdString("ID of the space to create the project in") },
  { additionalProperties: false },
);
export type ProjectCreateBody = Static<typeof ProjectCreateBody>;
export const ProjectUpdateBody = Type.Object({ name: ProjectName }, { additionalProperties: false });
export type ProjectUpdateBody = Static<typeof ProjectUpdateBody>;

const RoleName = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: LINE_PATTERN,
  description: "Unique in the account (case-insensitive)",
});
const RoleDescription = Type.String({ maxLength: 1000, pattern: TEXT_PATTERN });
// Permission names are checked in code (roles.ts), so an unknown one is named in a sentence.
const PermissionList = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  minItems: 1,
  maxItems: 256,
  description: `At least one of: ${PERMISSIONS.join(", ")}`,
});
export const RoleCreateBody = Type.Object(
  { name: RoleName, description: Type.Optional(Type.Union([RoleDescription, Type.Null()])), permissions: PermissionList },
  { additionalProperties: false },
);
export type RoleCreateBody = Static<typeof RoleCreateBody>;
export const RoleUpdateBody = Type.Object(
  {
    name: Type.Optional(Type.Union([RoleName, Type.Null()])),
    description: Type.Optional(Type.Union([RoleDescription, Type.Null()])),
    permissions: Type.Optional(Type.Union([PermissionList, Type.Null()])),
  },
  { additionalProperties: false, description: "At least one field; permissions, when given, replace the role's" },
);
export type RoleUpdateBody = Static<typeof RoleUpdateBody>;

export const RoleBindingCreateBody = Type.Object(
  {
    role_id: IdString("The role to grant"),
    user_id: IdString("The user to grant it to"),
    resource_type: StringEnum(RESOURCE_TYPES),
    resource_id: IdString("The space or project (of resource_type) to grant it on"),
  },
  { additionalProperties: false },
);
export type RoleBindingCreateBody = Static<typeof RoleBindingCreateBody>;
export const RoleBindingUpdateBody = Type.Object(
  { role_id: IdString("The role the binding grants from now on") },
  { additionalProperties: false },
);
export type RoleBindingUpdateBody = Static<typeof RoleBindingUpdateBody>;

export const RestrictionCreateBody = Type.Object({ resource_id: IdString("The project to restrict") }, { additionalProperties: false });
export type RestrictionCreateBody = Static<typeof RestrictionCreateBody>;

export const ProjectParams = Type.Object({ project_id: IdString("Project id") }, { additionalProperties: false });
export type ProjectParams = Static<typeof ProjectParams>;
export const RoleParams = Type.Object({ role_id: IdString("Role id") }, { additionalProperties: false });
export type RoleParams = Static<typeof RoleParams>;
export const BindingParams = Type.Object({ binding_id: IdString("Role binding id") }, { additionalProperties: false });
export type BindingParams = Static<typeof BindingParams>;
export const RestrictionParams = Type.Object({ resource_id: IdString("The restricted project's id") }, { additionalProperties: false });
export type RestrictionParams = Static<typeof RestrictionParams>;
