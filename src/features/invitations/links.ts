import { generateClaimToken, hashKey } from "../../auth/key-format.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { replaceClaimLink } from "../../store/queries/claim-links.js";
import { setInviteExpiry } from "../../store/queries/users.js";
import type { ClaimKind } from "../../store/schema.js";
import type { Db } from "../../store/store.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a link works (docs/invitations.md): an invitation 7 days (SPEC §14), a recovery link one day. */
const CLAIM_LINK_TTL_MS: Record<ClaimKind, number> = { invitation: 7 * DAY_MS, recovery: DAY_MS };

/** A link just issued. `url` holds the token: it goes to the person (mail, or the admin's response) and nowhere else. */
export interface IssuedLink {
  kind: ClaimKind;
  url: string;
  expiresAt: number;
}

/** `<public url>/#/claim/<token>`: the console's claim page (the fragment never reaches a server log). */
function claimUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/#/claim/${token}`;
}

/**
 * Issues a link inside the caller's transaction: only the token's keyed hash
 * (HMAC with the server secret, as for API keys) is stored, and the user's
 * previous live link of that kind dies. An invitation also moves the user's
 * invite_expires_at, which decides between `invited` and `expired`.
 */
export async function issueClaimLink(tx: Db, deps: FeatureDeps, userId: number, kind: ClaimKind, now: number): Promise<IssuedLink> {
  const token = generateClaimToken(deps.random);
  const expiresAt = now + CLAIM_LINK_TTL_MS[kind];
  await replaceClaimLink(tx, { userId, kind, tokenHash: hashKey(deps.secret, token), expiresAt }, now);
  if (kind === "invitation") await setInviteExpiry(tx, userId, expiresAt, now);
  return { kind, url: claimUrl(deps.publicUrl, token), expiresAt };
}
