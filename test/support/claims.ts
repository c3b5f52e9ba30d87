import { expect } from "vitest";
import { expectStatus } from "./identity.js";
import type { HttpResponse, Json } from "./http.js";
import { recordClaimToken } from "./hygiene.js";
import type { TestServer } from "./server.js";

/** A claim link as an admin fetches it, with the token taken out of its url (and recorded for the secret scan). */
export interface FetchedLink {
  url: string;
  token: string;
  kind: string;
  expires_at: string;
}

/** The token in a claim link or a mail; fails when there is none. */
export function tokenIn(text: string): string {
  const token = recordClaimToken(text);
  expect(token, `no claim token in: ${text.slice(0, 200)}`).toBeDefined();
  return token ?? "";
}

/** POST /v2/users/{id}/claim-link as the admin (or `key`), insisting on 200. */
export async function fetchLink(t: TestServer, userId: string, key?: string): Promise<FetchedLink> {
  const res = await t.call(`/v2/users/${userId}/claim-link`, { method: "POST", key });
  const body = expectStatus(res, 200);
  return { ...body, token: tokenIn(body.url) };
}

/** POST /v2/claims/inspect, with no API key. */
export function inspect(t: TestServer, token: string, localAddress?: string): Promise<HttpResponse> {
  return t.call("/v2/claims/inspect", { method: "POST", body: { token }, key: null, localAddress });
}

/** POST /v2/claims/redeem, with no API key. */
export function redeem(t: TestServer, token: string, name = "first key", localAddress?: string): Promise<HttpResponse> {
  return t.call("/v2/claims/redeem", { method: "POST", body: { token, name }, key: null, localAddress });
}

/** Every audit event about `targetId`, newest first. */
export async function historyOf(t: TestServer, targetId: string): Promise<Json[]> {
  return expectStatus(await t.call(`/v2/audit-events?limit=100&target_id=${encodeURIComponent(targetId)}`), 200).audit_events;
}
