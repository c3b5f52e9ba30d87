import type { FeatureDeps } from "../../auth/deps.js";
import { requireId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import type { App } from "../../http/route.js";
import { IdString, problemResponses } from "../../http/schemas.js";
import { rfc3339 } from "../../http/time.js";
import { Type, type Static } from "typebox";
import { ApiKeyWithSecretSchema, toApiKeyView } from "../apikeys/index.js";
import { freshClaimLink, issueRecovery, resendInvitation, type LinkForUser } from "./admin.js";
import { inspectClaim, redeemClaim } from "./claim.js";
import { deliverClaimLink } from "./mail.js";
import { ClaimInspectionSchema, ClaimLinkSchema, ClaimTokenBody, RedeemBody } from "./schemas.js";

const TAGS = ["Users"];
const SECURITY = [{ bearerAuth: [] }];
const NO_CONTENT = { 204: { type: "null", description: "Done" } };
const UserParams = Type.Object({ user_id: IdString("User id") }, { additionalProperties: false });
type UserParams = Static<typeof UserParams>;
const userId = (params: UserParams) => requireId("User", params.user_id, "path parameter user_id");

/** The answer when the SMTP server refused a resend or a recovery mail: the link exists, the mail did not go. */
function mailRefused(kind: string): ProblemError {
  return new ProblemError("UNAVAILABLE", {
    detail:
      `the mail server refused the ${kind} mail; the new link is issued and the old one no longer works: ` +
      "retry, or fetch the link with POST /v2/users/{user_id}/claim-link (keyhouse users invite-link) and hand it over",
  });
}

/** resend-invitation, reset-password (SPEC §14) and claim-link (extension), inside the authenticated /v2 scope. */
export function invitationRoutes(app: App, deps: FeatureDeps): void {
  const mailing = [
    {
      path: "/v2/users/:user_id/resend-invitation",
      summary: "Resend an invitation",
      description:
        "Account admins only. For invited or expired users (else 422): a new invitation link, valid 7 days, is mailed; the old link stops working.",
      operationId: "resendInvitation",
      issue: resendInvitation,
    },
    {
      path: "/v2/users/:user_id/reset-password",
      summary: "Send a recovery link",
      description:
        "Account admins only. For active users (else 422): a one-time recovery link, valid 24 hours, is mailed; opening it mints a new user key. " +
        "keyhouse has no passwords; the user's existing keys keep working.",
      operationId: "resetPassword",
      issue: issueRecovery,
    },
  ];
  for (const route of mailing) {
    app.post(
      route.path,
      {
        schema: {
          tags: TAGS,
          summary: route.summary,
          description: `${route.description} Without KEYHOUSE_SMTP_URL nothing is mailed: fetch the link with POST /v2/users/{user_id}/claim-link.`,
          operationId: route.operationId,
          security: SECURITY,
          params: UserParams,
          response: { ...NO_CONTENT, ...problemResponses(400, 401, 403, 404, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const issued: LinkForUser = await route.issue(deps, request.actor, userId(request.params));
        const delivery = await deliverClaimLink(deps, request.actor, issued.user, issued.link, request.log);
        if (delivery === "refused") throw mailRefused(issued.link.kind);
        return reply.code(204).send(null);
      },
    );
  }

  app.post(
    "/v2/users/:user_id/claim-link",
    {
      schema: {
        tags: TAGS,
        summary: "Get a fresh claim link (extension)",
        description:
          "Account admins only (not with a service key). Invited or expired users get a new invitation link (7 days), active users a recovery " +
          "link (24 hours); the user's previous link of that kind stops working. The url is shown once: hand it to the person.",
        operationId: "createClaimLink",
        security: SECURITY,
        params: UserParams,
        response: { 200: ClaimLinkSchema, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { link } = await freshClaimLink(deps, request.actor, userId(request.params));
      return reply.header("cache-control", "no-store").send({ url: link.url, kind: link.kind, expires_at: rfc3339(link.expiresAt) });
    },
  );
}

/** The public claim routes (no API key: the token in the body is the credential). */
export function claimRoutes(app: App, deps: FeatureDeps): void {
  app.post(
    "/v2/claims/inspect",
    {
      schema: {
        tags: TAGS,
        summary: "Inspect a claim link (extension, no API key)",
        description:
          "Who a live invitation or recovery link is for, which kind, until when. A link that does not work (used, replaced, expired, unknown) " +
          "is 404, whatever the reason, and counts against the address's failed-authentication budget (429 past it).",
        operationId: "inspectClaim",
        body: ClaimTokenBody,
        response: { 200: ClaimInspectionSchema, ...problemResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const inspection = await inspectClaim(deps, request.body.token, request.ip);
      return reply.header("cache-control", "no-store").send(inspection);
    },
  );

  app.post(
    "/v2/claims/redeem",
    {
      schema: {
        tags: TAGS,
        summary: "Redeem a claim link (extension, no API key)",
        description:
          "Uses the link up and creates a user key named `name` acting as the link's user, shown once; an invited user becomes active. " +
          "A link that does not work is 404 as for inspect; a user without developer access is 422 (the link stays usable).",
        operationId: "redeemClaim",
        body: RedeemBody,
        response: { 201: ApiKeyWithSecretSchema, ...problemResponses(400, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const meta = { clientAddress: request.ip, requestId: request.id };
      const issued = await redeemClaim(deps, body.token, { name: body.name, description: body.description ?? null }, meta);
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ ...toApiKeyView(issued.record), key: issued.rawKey });
    },
  );
}
