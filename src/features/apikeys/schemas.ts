import { Type, type Static, type TSchema } from "typebox";
import {
  CursorQuery,
  StringEnum,
  IdString,
  LimitQuery,
  LINE_PATTERN,
  PaginationSchema,
  TEXT_PATTERN,
  Timestamp,
} from "../../http/schemas.js";

const KeyType = StringEnum(["user", "service"], {
  description: "user: acts as the user who created it; service: acts as its bot user in one space",
});
const MemberRole = StringEnum(["admin", "member", "read-only"]);

/** A role as 2026-07 assigns it: a predefined role by name, or a custom role by id (which service keys cannot hold). */
function RoleAssignment(description: string) {
  return Type.Object(
    {
      type: StringEnum(["predefined", "custom"]),
      name: Type.Optional(Type.String({ maxLength: 256 })),
      id: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false, description },
  );
}

const ApiKeySchema = Type.Object(
  {
    id: IdString("API key id"),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    key_type: KeyType,
    status: StringEnum(["active", "deleted"]),
    redacted_key: Type.String({ examples: ["ak-abc...xyz"] }),
    created_at: Timestamp("When the key was created"),
    expires_at: Type.Optional(Timestamp("When the key stops working")),
    created_by_user_id: IdString("The user who created the key"),
    last_used_at: Type.Optional(Timestamp("Approximate time of last use (updated at most about once a minute)")),
  },
  {
    $id: "ApiKey",
    additionalProperties: false,
    description: "An API key, exactly Arize's ApiKey: optional members are omitted when unset, never null",
  },
);

/** An API key on the wire (SPEC §6): exactly Arize's `ApiKey`, on every Arize route. */
export type ApiKey = Static<typeof ApiKeySchema>;

const ApiKeyDetailSchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    space_id: Type.Optional(IdString("The space of a service key (absent for user keys)")),
    rotated_at: Type.Optional(
      Timestamp("When the key was rotated (refreshed); a rotated key still active works until its expires_at, the grace period's end"),
    ),
  },
  {
    $id: "ApiKeyDetail",
    additionalProperties: false,
    description: "An API key with keyhouse's own members: returned by the extension route GET /v2/api-keys/{api_key_id} only",
  },
);

/** An API key as the extension route GET /v2/api-keys/{id} returns it: `ApiKey` plus a service key's space. */
export type ApiKeyDetail = Static<typeof ApiKeyDetailSchema>;

const withSecret = {
  ...ApiKeySchema.properties,
  key: Type.String({ description: "The raw API key. Shown only in this response; store it now." }),
};

const ApiKeyCreatedSchema = Type.Object(withSecret, {
  $id: "ApiKeyCreated",
  additionalProperties: false,
  description: "Exactly Arize's ApiKeyCreated: ApiKey plus the raw key (create and refresh)",
});

const PredefinedRole = (names: readonly string[]) =>
  Type.Object({ type: StringEnum(["predefined"]), name: StringEnum(names) }, { additionalProperties: false });

const BotUserSchema = Type.Object(
  {
    id: IdString("The bot user's id"),
    name: Type.String(),
    account_role: PredefinedRole(["admin", "member"]),
    organizations: Type.Array(
      Type.Object(
        {
          org_id: IdString("Organization id"),
          role: PredefinedRole(["admin", "member", "read-only"]),
          spaces: Type.Array(
            Type.Object(
              { space_id: IdString("Space id"), role: PredefinedRole(["admin", "member", "read-only"]) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false, description: "The bot user a service key acts as, with its roles" },
);

/** A service key's bot user as 2026-07's create response shows it (`ServiceKeyBotUser`). */
export type BotUserView = Static<typeof BotUserSchema>;

const ServiceApiKeyCreatedSchema = Type.Object(
  { ...withSecret, bot_user: BotUserSchema },
  {
    $id: "ServiceApiKeyCreated",
    additionalProperties: false,
    description: "2026-07's create response for a service key: ApiKeyCreated plus its bot user",
  },
);

/** The same members for the extension route POST /v2/users/{id}/api-keys. */
export const ApiKeyWithSecretSchema = Type.Object(withSecret, { $id: "ApiKeyWithSecret", additionalProperties: false });

/** An API key as create and refresh return it (Arize's `ApiKeyCreated`): with the raw key, shown this once. */
export type ApiKeyWithSecret = Static<typeof ApiKeyWithSecretSchema>;

/** The API keys' shared schemas, for app.addSchema (routes name them with Type.Ref). */
export const API_KEY_SCHEMAS: TSchema[] = [ApiKeySchema, ApiKeyCreatedSchema, ApiKeyDetailSchema, ServiceApiKeyCreatedSchema];
export const ApiKeyCreatedRef = Type.Ref("ApiKeyCreated");
export const ApiKeyDetailRef = Type.Ref("ApiKeyDetail");

export const ListQuery = Type.Object(
  {
    key_type: Type.Optional(KeyType),
    status: Type.Optional(
      StringEnum(["active", "deleted", "expired"], {
        description: "active (default), deleted, or expired (extension)",
      }),
    ),
    space_id: Type.Optional(IdString("Service keys of this space")),
    user_id: Type.Optional(IdString("Keys created by this user")),
    all_users: Type.Optional(
      StringEnum(["true"], { description: "Extension, account admins: user keys of every user (cannot be combined with user_id)" }),
    ),
    name_contains: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: LINE_PATTERN,
        description: "Extension: keys whose name contains this text (ASCII letters in either case)",
      }),
    ),
    limit: Type.Optional(LimitQuery),
    cursor: Type.Optional(CursorQuery),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const ListResponse = Type.Object(
  { api_keys: Type.Array(Type.Ref("ApiKey")), pagination: PaginationSchema },
  { additionalProperties: false },
);

export const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, pattern: LINE_PATTERN, description: "1 to 256 characters, not blank" }),
    description: Type.Optional(Type.String({ maxLength: 1000, pattern: TEXT_PATTERN })),
    key_type: Type.Optional(KeyType),
    expires_at: Type.Optional(Timestamp("Optional expiry; must be in the future")),
    space_id: Type.Optional(IdString("Required for service keys, forbidden for user keys")),
    roles: Type.Optional(
      Type.Object(
        {
          space_role: Type.Optional(MemberRole),
          org_role: Type.Optional(MemberRole),
          account_role: Type.Optional(StringEnum(["admin", "member"])),
        },
        { additionalProperties: false, description: "Service keys only (2026-06 body)" },
      ),
    ),
    account_role: Type.Optional(Type.Union([RoleAssignment("The bot user's account role (2026-07 body; default member)"), Type.Null()])),
    organizations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            org_id: IdString("Organization id"),
            role: Type.Optional(Type.Union([RoleAssignment("The bot user's role in the organization (default read-only)"), Type.Null()])),
            spaces: Type.Array(
              Type.Object(
                {
                  space_id: IdString("Space id"),
                  role: Type.Optional(Type.Union([RoleAssignment("The bot user's role in the space (default member)"), Type.Null()])),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 100, description: "Service keys only (2026-07 body): where the bot user holds roles" },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateBody = Static<typeof CreateBody>;

export const RefreshBody = Type.Object(
  {
    expires_at: Type.Optional(Timestamp("Expiry of the new key; omitted means it never expires")),
    grace_period_seconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86_400, default: 0, description: "How long the old key keeps working" }),
    ),
  },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const KeyIdParams = Type.Object({ api_key_id: IdString("API key id") }, { additionalProperties: false });
export type KeyIdParams = Static<typeof KeyIdParams>;
