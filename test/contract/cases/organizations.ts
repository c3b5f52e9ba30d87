import { expect } from "vitest";
import { unique } from "../../support/identity.js";
import type { ContractSuite } from "../suite.js";

const CREATE = "POST /v2/organizations";
const LIST = "GET /v2/organizations";
const GET = "GET /v2/organizations/{org_id}";
const PATCH = "PATCH /v2/organizations/{org_id}";
const DELETE = "DELETE /v2/organizations/{org_id}";
const ADD = "POST /v2/organizations/{org_id}/users";
const REMOVE = "DELETE /v2/organizations/{org_id}/users/{user_id}";

const role = (name: string) => ({ type: "predefined", name });

/** Organizations and their memberships (SPEC §7) as sdk-8.31.0.json defines them. */
export function organizationCases(s: ContractSuite): void {
  const newOrg = async (name = unique("contract-org")) => s.call(CREATE, { body: { name } }, 201);

  s.case(CREATE, "201 Organization, description defaulting to an empty string", async () => {
    const name = unique("contract-org");
    expect(await newOrg(name)).toMatchObject({ name, description: "" });
    const body = { name: unique("contract-org"), description: "with a description" };
    expect(await s.call(CREATE, { body }, 201)).toMatchObject(body);
  });

  s.case(CREATE, "400 for a body the client cannot send", async () => {
    await s.call(CREATE, { badBody: {} }, 400);
    await s.call(CREATE, { badBody: { name: "" } }, 400);
    await s.call(CREATE, { badBody: { name: unique("org"), colour: "red" } }, 400);
  });

  s.case(CREATE, "403 for a caller who is not an account admin", async () => {
    await s.call(CREATE, { body: { name: unique("contract-org") }, key: s.fx.member.key }, 403);
  });

  s.case(CREATE, "409 for a name the account already has", async () => {
    const { name } = await newOrg();
    await s.call(CREATE, { body: { name } }, 409);
  });

  s.case(LIST, "200 OrganizationListResponse, filtered by name (case-insensitive substring), in pages", async () => {
    const { id, name } = await newOrg(`Contract-Filter-${unique("o")}`);
    const found = await s.call(LIST, { query: { name: name.slice(9).toLowerCase() } }, 200);
    expect(found.organizations.map((o: { id: string }) => o.id)).toEqual([id]);
    const first = await s.call(LIST, { query: { limit: "1" } }, 200);
    await s.call(LIST, { query: { limit: "1", cursor: first.pagination.next_cursor } }, 200);
    const mine = await s.call(LIST, { key: s.fx.member.key }, 200);
    expect(mine.organizations.map((o: { id: string }) => o.id)).toEqual([s.fx.orgId]);
  });

  s.case(LIST, "400 for a limit out of range or a forged cursor; 403 without developer access", async () => {
    for (const query of [{ limit: "0" }, { limit: "many" }, { cursor: "forged" }]) await s.call(LIST, { query }, 400);
    await s.call(LIST, { key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(GET, "200 Organization for the admin and a member; 404 for a caller outside it", async () => {
    expect(await s.call(GET, { params: { org_id: s.fx.orgId }, key: s.fx.member.key }, 200)).toMatchObject({ id: s.fx.orgId });
    const other = await newOrg();
    await s.call(GET, { params: { org_id: other.id } }, 200);
    await s.call(GET, { params: { org_id: other.id }, key: s.fx.member.key }, 404);
    await s.call(GET, { params: { org_id: s.fx.spaceId } }, 400);
  });

  s.case(GET, "403 without developer access (a SPEC status, not in the map)", async () => {
    await s.call(GET, { params: { org_id: s.fx.orgId }, key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(PATCH, "200 Organization renamed and redescribed", async () => {
    const org = await newOrg();
    const body = { name: unique("contract-renamed"), description: "" };
    expect(await s.call(PATCH, { params: { org_id: org.id }, body }, 200)).toMatchObject({ id: org.id, ...body });
  });

  s.case(PATCH, "400 for a body the client cannot send; 403 for a member; 409 for a taken name", async () => {
    await s.call(PATCH, { params: { org_id: s.fx.orgId }, badBody: { name: "" } }, 400);
    await s.call(PATCH, { params: { org_id: s.fx.orgId }, body: { description: "nope" }, key: s.fx.member.key }, 403);
    const [a, b] = [await newOrg(), await newOrg()];
    await s.call(PATCH, { params: { org_id: a.id }, body: { name: b.name } }, 409);
  });

  s.case(DELETE, "204 with an empty body; the organization is then 404", async () => {
    const org = await newOrg();
    await s.call(DELETE, { params: { org_id: org.id } }, 204);
    await s.call(GET, { params: { org_id: org.id } }, 404);
    await s.call(DELETE, { params: { org_id: org.id } }, 404);
  });

  s.case(DELETE, "403 for an organization admin (deleting one is for account admins)", async () => {
    const org = await newOrg();
    const orgAdmin = await s.newUser("member");
    await s.join("organizations", org.id, orgAdmin.id, "admin");
    const key = await s.firstKey(orgAdmin.id, true);
    await s.call(DELETE, { params: { org_id: org.id }, key }, 403);
  });

  s.case(ADD, "200 OrganizationMembership when added, and 200 again when the role changes", async () => {
    const org = await newOrg();
    const user = await s.newUser("member");
    const added = await s.call(ADD, { params: { org_id: org.id }, body: { user_id: user.id, role: role("member") } }, 200);
    expect(added).toMatchObject({ user_id: user.id, organization_id: org.id, role: role("member") });
    const changed = await s.call(ADD, { params: { org_id: org.id }, body: { user_id: user.id, role: role("read-only") } }, 200);
    expect(changed).toEqual({ ...added, role: role("read-only") });
  });

  s.case(ADD, "400 for a body the client cannot send; 403 for a member", async () => {
    await s.call(ADD, { params: { org_id: s.fx.orgId }, badBody: { role: role("member") } }, 400);
    await s.call(ADD, { params: { org_id: s.fx.orgId }, badBody: { user_id: s.fx.reader.id, role: role("owner") } }, 400);
    const body = { user_id: s.fx.reader.id, role: role("admin") };
    await s.call(ADD, { params: { org_id: s.fx.orgId }, body, key: s.fx.member.key }, 403);
  });

  s.case(ADD, "422 for a role an annotator cannot hold, and annotator for anyone else", async () => {
    const org = await newOrg();
    const annotator = await s.newUser("annotator");
    await s.call(ADD, { params: { org_id: org.id }, body: { user_id: annotator.id, role: role("member") } }, 422);
    await s.call(ADD, { params: { org_id: org.id }, body: { user_id: s.fx.member.id, role: role("annotator") } }, 422);
  });

  s.case(REMOVE, "204 with an empty body; removing again is 404", async () => {
    const org = await newOrg();
    const user = await s.newUser("member");
    await s.join("organizations", org.id, user.id, "member");
    await s.call(REMOVE, { params: { org_id: org.id, user_id: user.id } }, 204);
    await s.call(REMOVE, { params: { org_id: org.id, user_id: user.id } }, 404);
  });

  s.case(REMOVE, "403 for a member removing someone", async () => {
    await s.call(REMOVE, { params: { org_id: s.fx.orgId, user_id: s.fx.reader.id }, key: s.fx.member.key }, 403);
  });
}
