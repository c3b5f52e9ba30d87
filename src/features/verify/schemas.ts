import { Type, type Static } from "typebox";
import { PERMISSIONS } from "../../auth/catalog.js";
import { IdString, StringEnum, Timestamp } from "../../http/schemas.js";

// The wire of POST /v2/api-keys/verify (SPEC §13, docs/verify.md).

const VERIFY_CODES = ["VALID", "NOT_FOUND", "EXPIRED", "REVOKED", "FORBIDDEN", "INSUFFICIENT_PERMISSIONS"] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

const VERIFY_RESOURCE_TYPES = ["ORGANIZATION", "SPACE", "PROJECT"] as const;

export const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512, description: "The raw API key a customer presented to your service" }),
    permissions: Type.Optional(
      Type.Array(StringEnum(PERMISSIONS), {
        maxItems: 100,
        uniqueItems: true,
        description: "Permissions to check the key for; without `resource`, on the account",
      }),
    ),
    resource: Type.Optional(
      Type.Object(
        {
          type: StringEnum(VERIFY_RESOURCE_TYPES),
          id: IdString("The organization, space or project id"),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type VerifyRequest = Static<typeof VerifyBody>;

export const VerifyResponse = Type.Object(
  {
    valid: Type.Boolean({ description: "True exactly when code is VALID" }),
    code: StringEnum(VERIFY_CODES),
    key: Type.Optional(
      Type.Object(
        {
          id: IdString("The verified key's id"),
          name: Type.String(),
          key_type: StringEnum(["user", "service"]),
          expires_at: Type.Union([Timestamp("When the key stops working"), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
    subject: Type.Optional(
      Type.Object(
        {
          id: IdString("The user the key acts as (a service key's bot user)"),
          kind: StringEnum(["human", "bot"]),
          name: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    permissions: Type.Optional(
      Type.Array(StringEnum(PERMISSIONS), { description: "Of the requested permissions, those the key holds on the resource" }),
    ),
  },
  { additionalProperties: false },
);
export type VerifyAnswer = Static<typeof VerifyResponse>;
