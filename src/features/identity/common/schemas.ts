import { Type, type Static, type TSchema } from "typebox";
import {
  CursorQuery,
  IdString,
  LimitQuery,
  LINE_PATTERN,
  PaginationSchema,
  StringEnum,
  TEXT_PATTERN,
  Timestamp,
} from "../../../http/schemas.js";

export const MEMBER_ROLES = ["admin", "member", "read-only", "annotator"] as const;
export const ACCOUNT_ROLES = ["admin", "member", "annotator"] as const;
/** The statuses the wire shows (SPEC §1); a deleted user is not on the wire at all (404, absent from lists). */
const USER_STATUSES = ["active", "invited", "expired"] as const;
export const INVITE_MODES = ["none", "email_link", "temporary_password"] as const;

const Name = Type.String({ minLength: 1, maxLength: 256, pattern: LINE_PATTERN, description: "1 to 256 characters, not blank" });
const Description = Type.String({ maxLength: 1000, pattern: TEXT_PATTERN });

/** A role as responses carry it (SPEC §7). */
const RoleAssignmentSchema = Type.Object(
  {
    type: StringEnum(["predefined"]),
    name: StringEnum(MEMBER_ROLES, { description: "A predefined role; account roles are admin, member or annotator" }),
  },
  { $id: "RoleAssignment", additionalProperties: false, description: 'A role assignment: {"type": "predefined", "name": "<role>"}' },
);

/**
 * A role in a request: the role assignment object, or its name alone as a
 * shorthand. The object's fields are checked in code (roles.ts), so that a
 * custom role or an unknown name gets a precise 400 instead of a schema error.
 */
function RoleInput(names: readonly string[]) {
  return Type.Union([
    StringEnum(names, { description: 'Shorthand for {"type": "predefined", "name": <this>}' }),
    Type.Object(
      {
        type: Type.String({ maxLength: 32, description: "predefined (custom: 400; custom roles are granted with role bindings)" }),
        name: Type.Optional(Type.String({ maxLength: 64, description: `One of: ${names.join(", ")}` })),
        id: Type.Optional(Type.String({ maxLength: 64, description: "Custom roles only (400 here: use a role binding)" })),
      },
      { additionalProperties: false },
    ),
  ]);
}
export type RoleInput = string | { type: string; name?: string; id?: string };

const OrganizationSchema = Type.Object(
  { id: IdString("Organization id"), name: Type.String(), description: Type.String(), created_at: Timestamp("When it was created") },
  { $id: "Organization", additionalProperties: false, description: "Exactly Arize's Organization" },
);

/**
 * Exactly Arize's Space: it does not name its organization. Find a space's
 * organization by listing spaces with the `org_id` filter (docs/identity.md).
 */
const SpaceSchema = Type.Object(
  { id: IdString("Space id"), name: Type.String(), description: Type.String(), created_at: Timestamp("When it was created") },
  { $id: "Space", additionalProperties: false, description: "Exactly Arize's Space; list with org_id to find a space's organization" },
);

const UserSchema = Type.Object(
  {
    id: IdString("User id"),
    name: Type.String(),
    email: Type.String(),
    created_at: Timestamp("When the user was created"),
    status: StringEnum(USER_STATUSES, {
      description: "invited: their invitation link still works; expired: it ran out (resend-invitation issues a new one)",
    }),
    role: Type.Ref("RoleAssignment"),
    is_developer: Type.Boolean({ description: "May use the API" }),
  },
  { $id: "User", additionalProperties: false },
);

/** Arize's UserCreatedResponse: the user and the invite mode it was created with (never a temporary password). */
const UserCreatedResponseSchema = Type.Object(
  {
    ...UserSchema.properties,
    invite_mode: StringEnum(["none", "email_link"], { description: "The invite mode the user was created with" }),
  },
  { $id: "UserCreatedResponse", additionalProperties: false },
);

const OrganizationMembershipSchema = Type.Object(
  {
    id: IdString("Membership id"),
    user_id: IdString("User id"),
    organization_id: IdString("Organization id"),
    role: Type.Ref("RoleAssignment"),
  },
  { $id: "OrganizationMembership", additionalProperties: false },
);

const SpaceMembershipSchema = Type.Object(
  { id: IdString("Membership id"), user_id: IdString("User id"), space_id: IdString("Space id"), role: Type.Ref("RoleAssignment") },
  { $id: "SpaceMembership", additionalProperties: false },
);

// The wire types, derived from the schemas (a Ref types as unknown: the role is filled in by hand).
export type RoleAssignment = Static<typeof RoleAssignmentSchema>;
export type Organization = Static<typeof OrganizationSchema>;
export type Space = Static<typeof SpaceSchema>;
export type User = Omit<Static<typeof UserSchema>, "role"> & { role: RoleAssignment };
export type OrganizationMembership = Omit<Static<typeof OrganizationMembershipSchema>, "role"> & { role: RoleAssignment };
export type SpaceMembership = Omit<Static<typeof SpaceMembershipSchema>, "role"> & { role: RoleAssignment };

/** Every shared schema of the identity resources, for app.addSchema. */
export const IDENTITY_SCHEMAS: TSchema[] = [
  RoleAssignmentSchema,
  OrganizationSchema,
  SpaceSchema,
  UserSchema,
  UserCreatedResponseSchema,
  OrganizationMembershipSchema,
  SpaceMembershipSchema,
];

const listOf = (key: string, ref: string) =>
  Type.Object({ [key]: Type.Array(Type.Ref(ref)), pagination: PaginationSchema }, { additionalProperties: false });
export const OrganizationList = listOf("organizations", "Organization");
export const SpaceList = listOf("spaces", "Space");
export const UserList = listOf("users", "User");
export const OrganizationMembershipList = listOf("memberships", "OrganizationMembership");
export const SpaceMembershipList = listOf("memberships", "SpaceMembership");

const paging = { limit: Type.Optional(LimitQuery), cursor: Type.Optional(CursorQuery) };
export const PageQuery = Type.Object(paging, { additionalProperties: false });
export type PageQuery = Static<typeof PageQuery>;
/** The `name` filter of organizations and spaces: the same rules for both. */
const NameFilter = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: LINE_PATTERN,
  description: "Case-insensitive substring of the name",
});
export const OrganizationListQuery = Type.Object({ name: Type.Optional(NameFilter), ...paging }, { additionalProperties: false });
export type OrganizationListQuery = Static<typeof OrganizationListQuery>;
export const SpaceListQuery = Type.Object(
  { org_id: Type.Optional(IdString("Only spaces of this organization")), name: Type.Optional(NameFilter), ...paging },
  { additionalProperties: false },
);
export type SpaceListQuery = Static<typeof SpaceListQuery>;
export const UserListQuery = Type.Object(
  {
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 320, pattern: LINE_PATTERN, description: "Case-insensitive substring of the email" }),
    ),
    status: Type.Optional(StringEnum(USER_STATUSES, { description: "Omitted: every status (deleted users are never listed)" })),
    ...paging,
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const NamedCreateBody = Type.Object({ name: Name, description: Type.Optional(Description) }, { additionalProperties: false });
export type NamedCreateBody = Static<typeof NamedCreateBody>;
export const NamedPatchBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false, description: "At least one field" },
);
export type NamedPatchBody = Static<typeof NamedPatchBody>;
export const SpaceCreateBody = Type.Object(
  { name: Name, organization_id: IdString("The organization to create the space in"), description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type SpaceCreateBody = Static<typeof SpaceCreateBody>;

export const UserCreateBody = Type.Object(
  {
    name: Name,
    email: Type.String({ minLength: 3, maxLength: 320, pattern: LINE_PATTERN, description: "Unique, compared case-insensitively" }),
    role: RoleInput(ACCOUNT_ROLES),
    invite_mode: Type.Optional(
      StringEnum(INVITE_MODES, {
        description:
          "none (the default when omitted): active at once; email_link: invited, with a one-time claim link valid 7 days " +
          "(mailed when KEYHOUSE_SMTP_URL is set); temporary_password: 422, keyhouse has no passwords.",
      }),
    ),
    is_developer: Type.Optional(Type.Boolean({ description: "Default: true for admin and member, false for annotator" })),
  },
  { additionalProperties: false },
);
export type UserCreateBody = Static<typeof UserCreateBody>;
export const UserPatchBody = Type.Object(
  { name: Type.Optional(Name), role: Type.Optional(RoleInput(ACCOUNT_ROLES)), is_developer: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, description: "At least one field" },
);
export type UserPatchBody = Static<typeof UserPatchBody>;

export const MembershipBody = Type.Object(
  { user_id: IdString("The user to add or whose role to set"), role: RoleInput(MEMBER_ROLES) },
  { additionalProperties: false },
);
export type MembershipBody = Static<typeof MembershipBody>;

export const OrgParams = Type.Object({ org_id: IdString("Organization id") }, { additionalProperties: false });
export type OrgParams = Static<typeof OrgParams>;
export const OrgUserParams = Type.Object(
  { org_id: IdString("Organization id"), user_id: IdString("User id") },
  { additionalProperties: false },
);
export type OrgUserParams = Static<typeof OrgUserParams>;
export const SpaceParams = Type.Object({ space_id: IdString("Space id") }, { additionalProperties: false });
export type SpaceParams = Static<typeof SpaceParams>;
export const SpaceUserParams = Type.Object(
  { space_id: IdString("Space id"), user_id: IdString("User id") },
  { additionalProperties: false },
);
export type SpaceUserParams = Static<typeof SpaceUserParams>;
export const UserParams = Type.Object({ user_id: IdString("User id") }, { additionalProperties: false });
export type UserParams = Static<typeof UserParams>;
