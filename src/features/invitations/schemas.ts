import { Type, type Static } from "typebox";
import { IdString, LINE_PATTERN, StringEnum, TEXT_PATTERN, Timestamp } from "../../http/schemas.js";

const KINDS = ["invitation", "recovery"] as const;
const Kind = StringEnum(KINDS, {
  description: "invitation: an invited user's first key (the user becomes active); recovery: a new key for an active user",
});

/** A claim link as an account admin receives it (POST /v2/users/{user_id}/claim-link, extension). */
export const ClaimLinkSchema = Type.Object(
  {
    url: Type.String({ description: "<public url>/#/claim/<token>: works once; shown only in this response" }),
    kind: Kind,
    expires_at: Timestamp("When the link stops working"),
  },
  { additionalProperties: false },
);
export type ClaimLink = Static<typeof ClaimLinkSchema>;

/** The token of a claim link, sent in the body (never in a URL, so it stays out of access logs). */
const Token = Type.String({ minLength: 1, maxLength: 200, description: "The token of the link: kc- and 48 characters" });

export const ClaimTokenBody = Type.Object({ token: Token }, { additionalProperties: false });
export type ClaimTokenBody = Static<typeof ClaimTokenBody>;

export const RedeemBody = Type.Object(
  {
    token: Token,
    name: Type.String({ minLength: 1, maxLength: 256, pattern: LINE_PATTERN, description: "The new key's name, 1 to 256 characters" }),
    description: Type.Optional(Type.String({ maxLength: 1000, pattern: TEXT_PATTERN })),
  },
  { additionalProperties: false },
);
export type RedeemBody = Static<typeof RedeemBody>;

/** What a claim link is for, shown before it is redeemed (POST /v2/claims/inspect). */
export const ClaimInspectionSchema = Type.Object(
  {
    kind: Kind,
    expires_at: Timestamp("When the link stops working"),
    user: Type.Object(
      { id: IdString("User id"), name: Type.String(), email: Type.String() },
      { additionalProperties: false, description: "The person the link is for" },
    ),
  },
  { additionalProperties: false },
);
export type ClaimInspection = Static<typeof ClaimInspectionSchema>;
