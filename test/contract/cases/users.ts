import { expect } from "vitest";
import { unique } from "../../support/identity.js";
import type { ContractSuite } from "../suite.js";

const CREATE = "POST /v2/users";
const LIST = "GET /v2/users";
const GET = "GET /v2/users/{user_id}";
const PATCH = "PATCH /v2/users/{user_id}";
const DELETE = "DELETE /v2/users/{user_id}";
const RESET = "POST /v2/users/{user_id}/reset-password";
const RESEND = "POST /v2/users/{user_id}/resend-invitation";

const role = (name: string) => ({ type: "predefined", name });
const newEmail = () => `${unique("contract")}@example.test`;

/** Users (SPEC §7, §14) as sdk-8.31.0.json defines them. */
export function userCases(s: ContractSuite): void {
  s.case(CREATE, "201 UserCreatedResponse for invite_mode none (active) and email_link (invited)", async () => {
    const direct = await s.newUser("member");
    expect(direct).toMatchObject({ status: "active", invite_mode: "none", role: role("member"), is_developer: true });
    const invited = await s.newUser("annotator", "email_link");
    expect(invited).toMatchObject({ status: "invited", invite_mode: "email_link", role: role("annotator"), is_developer: false });
    const body = { name: "Admin", email: newEmail(), role: role("admin"), invite_mode: "none", is_developer: false };
    expect(await s.call(CREATE, { body }, 201)).toMatchObject({ is_developer: false, role: role("admin") });
  });

  s.case(CREATE, "400 for a body the client cannot send", async () => {
    await s.call(CREATE, { badBody: { name: "No Email", role: role("member"), invite_mode: "none" } }, 400);
    await s.call(CREATE, { badBody: { name: "Plain", email: newEmail(), role: role("member"), invite_mode: "postcard" } }, 400);
    await s.call(CREATE, { badBody: { name: "", email: newEmail(), role: role("member"), invite_mode: "none" } }, 400);
    await s.call(CREATE, { badBody: { name: "Owner", email: newEmail(), role: role("owner"), invite_mode: "none" } }, 400);
  });

  s.case(CREATE, "403 for a caller who is not an account admin", async () => {
    const body = { name: "Nope", email: newEmail(), role: role("member"), invite_mode: "none" };
    await s.call(CREATE, { body, key: s.fx.member.key }, 403);
  });

  s.case(CREATE, "409 for an email that exists, in any case", async () => {
    const email = newEmail();
    await s.call(CREATE, { body: { name: "First", email, role: role("member"), invite_mode: "none" } }, 201);
    await s.call(CREATE, { body: { name: "Second", email: email.toUpperCase(), role: role("member"), invite_mode: "none" } }, 409);
  });

  s.case(CREATE, "422 for invite_mode temporary_password (keyhouse has no passwords)", async () => {
    await s.call(CREATE, { body: { name: "Temp", email: newEmail(), role: role("member"), invite_mode: "temporary_password" } }, 422);
  });

  s.case(LIST, "200 UserListResponse, filtered by email and status, in pages", async () => {
    const invited = await s.newUser("member", "email_link");
    const byEmail = await s.call(LIST, { query: { email: invited.email.toUpperCase() } }, 200);
    expect(byEmail.users.map((u: { id: string }) => u.id)).toEqual([invited.id]);
    const byStatus = await s.call(LIST, { query: { status: "invited" } }, 200);
    expect(byStatus.users.map((u: { id: string }) => u.id)).toContain(invited.id);
    const first = await s.call(LIST, { query: { limit: "1" } }, 200);
    await s.call(LIST, { query: { limit: "1", cursor: first.pagination.next_cursor } }, 200);
    await s.call(LIST, { key: s.fx.member.key }, 200);
  });

  s.case(LIST, "400 for a status the wire does not have, and a limit out of range", async () => {
    for (const query of [{ status: "deleted" }, { status: "inactive" }, { limit: "0" }, { limit: "101" }])
      await s.call(LIST, { query }, 400);
  });

  s.case(LIST, "403 for a caller without developer access", async () => {
    await s.call(LIST, { key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(GET, "200 User for the admin and for a member of the same organization", async () => {
    const user = await s.call(GET, { params: { user_id: s.fx.member.id } }, 200);
    expect(user).toMatchObject({ id: s.fx.member.id, status: "active", role: role("member") });
    await s.call(GET, { params: { user_id: s.fx.reader.id }, key: s.fx.member.key }, 200);
  });

  s.case(GET, "400 for the id of another type; 403 without developer access (a SPEC status, not in the map)", async () => {
    await s.call(GET, { params: { user_id: s.fx.spaceId } }, 400);
    await s.call(GET, { params: { user_id: s.fx.nonDeveloper.id }, key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(PATCH, "200 User with the new name and developer flag", async () => {
    const user = await s.newUser("member");
    const changed = await s.call(PATCH, { params: { user_id: user.id }, body: { name: "Renamed", is_developer: false } }, 200);
    expect(changed).toMatchObject({ id: user.id, name: "Renamed", is_developer: false });
  });

  s.case(PATCH, "400 for a body the client cannot send", async () => {
    await s.call(PATCH, { params: { user_id: s.fx.member.id }, badBody: { name: "" } }, 400);
    await s.call(PATCH, { params: { user_id: s.fx.member.id }, badBody: { email: "new@example.test" } }, 400);
  });

  s.case(PATCH, "403 for a caller who is not an account admin", async () => {
    await s.call(PATCH, { params: { user_id: s.fx.reader.id }, body: { name: "Nope" }, key: s.fx.member.key }, 403);
  });

  s.case(PATCH, "422 for taking developer access from the last admin", async () => {
    await s.call(PATCH, { params: { user_id: s.t.adminUserId }, body: { is_developer: false } }, 422);
  });

  s.case(DELETE, "204 with an empty body; the user is then 404 and gone from the list", async () => {
    const user = await s.newUser("member");
    await s.call(DELETE, { params: { user_id: user.id } }, 204);
    await s.call(GET, { params: { user_id: user.id } }, 404);
    await s.call(DELETE, { params: { user_id: user.id } }, 404);
    expect((await s.call(LIST, { query: { email: user.email } }, 200)).users).toEqual([]);
  });

  s.case(DELETE, "403 for a caller who is not an account admin", async () => {
    await s.call(DELETE, { params: { user_id: s.fx.reader.id }, key: s.fx.member.key }, 403);
  });

  s.case(RESET, "204 with an empty body for an active user", async () => {
    const user = await s.newUser("member");
    await s.call(RESET, { params: { user_id: user.id } }, 204);
  });

  s.case(RESET, "403 for a caller who is not an account admin; 422 for an invited user", async () => {
    await s.call(RESET, { params: { user_id: s.fx.reader.id }, key: s.fx.member.key }, 403);
    const invited = await s.newUser("member", "email_link");
    await s.call(RESET, { params: { user_id: invited.id } }, 422);
  });

  s.case(RESEND, "204 with an empty body for an invited user, again and again", async () => {
    const invited = await s.newUser("member", "email_link");
    await s.call(RESEND, { params: { user_id: invited.id } }, 204);
    await s.call(RESEND, { params: { user_id: invited.id } }, 204);
  });

  s.case(RESEND, "403 for a caller who is not an account admin; 422 for an active user", async () => {
    const invited = await s.newUser("member", "email_link");
    // An invited user of the member's organization: one the member sees (an unseen one is 404).
    await s.join("organizations", s.fx.orgId, invited.id, "member");
    await s.call(RESEND, { params: { user_id: invited.id }, key: s.fx.member.key }, 403);
    await s.call(RESEND, { params: { user_id: s.fx.member.id } }, 422);
  });
}
