import { expect } from "vitest";
import { unique } from "../../support/identity.js";
import { idOfNothing, type ContractSuite } from "../suite.js";

const CREATE = "POST /v2/spaces";
const LIST = "GET /v2/spaces";
const GET = "GET /v2/spaces/{space_id}";
const PATCH = "PATCH /v2/spaces/{space_id}";
const DELETE = "DELETE /v2/spaces/{space_id}";
const ADD = "POST /v2/spaces/{space_id}/users";
const REMOVE = "DELETE /v2/spaces/{space_id}/users/{user_id}";

const role = (name: string) => ({ type: "predefined", name });

/** Spaces and their memberships (SPEC §7) as sdk-8.31.0.json defines them. */
export function spaceCases(s: ContractSuite): void {
  const newSpace = async (name = unique("contract-space")) => s.call(CREATE, { body: { name, organization_id: s.fx.orgId } }, 201);

  s.case(CREATE, "201 Space (no organization_id on the wire), description defaulting to an empty string", async () => {
    const name = unique("contract-space");
    expect(await newSpace(name)).toMatchObject({ name, description: "" });
    const body = { name: unique("contract-space"), organization_id: s.fx.orgId, description: "described" };
    expect(await s.call(CREATE, { body }, 201)).toMatchObject({ name: body.name, description: body.description });
  });

  s.case(CREATE, "400 for a body the client cannot send; 404 for an organization of nothing", async () => {
    await s.call(CREATE, { badBody: { name: unique("space") } }, 400);
    await s.call(CREATE, { badBody: { name: unique("space"), organization_id: s.fx.orgId, colour: "red" } }, 400);
    await s.call(CREATE, { body: { name: unique("space"), organization_id: idOfNothing("Organization") } }, 404);
  });

  s.case(CREATE, "403 for an organization member who is not its admin; 409 for a name the organization has", async () => {
    await s.call(CREATE, { body: { name: unique("space"), organization_id: s.fx.orgId }, key: s.fx.member.key }, 403);
    const { name } = await newSpace();
    await s.call(CREATE, { body: { name, organization_id: s.fx.orgId } }, 409);
  });

  s.case(LIST, "200 SpaceListResponse, filtered by organization and name, in pages", async () => {
    const { id, name } = await newSpace(`Contract-Filter-${unique("s")}`);
    const found = await s.call(LIST, { query: { org_id: s.fx.orgId, name: name.slice(9).toLowerCase() } }, 200);
    expect(found.spaces.map((x: { id: string }) => x.id)).toEqual([id]);
    const first = await s.call(LIST, { query: { org_id: s.fx.orgId, limit: "1" } }, 200);
    await s.call(LIST, { query: { org_id: s.fx.orgId, limit: "1", cursor: first.pagination.next_cursor } }, 200);
    const mine = await s.call(LIST, { key: s.fx.member.key }, 200);
    expect(mine.spaces.map((x: { id: string }) => x.id)).toEqual([s.fx.spaceId]);
  });

  s.case(LIST, "400 for a bad organization id or limit; 403 without developer access", async () => {
    for (const query of [{ org_id: "not-an-id" }, { limit: "0" }, { cursor: "forged" }]) await s.call(LIST, { query }, 400);
    await s.call(LIST, { key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(GET, "200 Space for a member; 404 for an organization member outside it; 403 without developer access", async () => {
    expect(await s.call(GET, { params: { space_id: s.fx.spaceId }, key: s.fx.member.key }, 200)).toMatchObject({ id: s.fx.spaceId });
    const other = await newSpace();
    await s.call(GET, { params: { space_id: other.id }, key: s.fx.member.key }, 404);
    await s.call(GET, { params: { space_id: s.fx.spaceId }, key: s.fx.nonDeveloper.key }, 403);
    await s.call(GET, { params: { space_id: s.fx.orgId } }, 400);
  });

  s.case(PATCH, "200 Space renamed and redescribed", async () => {
    const space = await newSpace();
    const body = { name: unique("contract-renamed"), description: "new words" };
    expect(await s.call(PATCH, { params: { space_id: space.id }, body }, 200)).toMatchObject({ id: space.id, ...body });
  });

  s.case(PATCH, "400 for a body the client cannot send; 403 for a space member; 409 for a taken name", async () => {
    await s.call(PATCH, { params: { space_id: s.fx.spaceId }, badBody: { name: 42 } }, 400);
    await s.call(PATCH, { params: { space_id: s.fx.spaceId }, body: { description: "nope" }, key: s.fx.member.key }, 403);
    const [a, b] = [await newSpace(), await newSpace()];
    await s.call(PATCH, { params: { space_id: a.id }, body: { name: b.name } }, 409);
  });

  s.case(DELETE, "204 with an empty body; the space is then 404", async () => {
    const space = await newSpace();
    await s.call(DELETE, { params: { space_id: space.id } }, 204);
    await s.call(GET, { params: { space_id: space.id } }, 404);
    await s.call(DELETE, { params: { space_id: space.id } }, 404);
  });

  s.case(DELETE, "403 for a space member", async () => {
    await s.call(DELETE, { params: { space_id: s.fx.spaceId }, key: s.fx.member.key }, 403);
  });

  s.case(ADD, "200 SpaceMembership when added, and 200 again when the role changes", async () => {
    const space = await newSpace();
    const user = s.fx.reader;
    const added = await s.call(ADD, { params: { space_id: space.id }, body: { user_id: user.id, role: role("member") } }, 200);
    expect(added).toMatchObject({ user_id: user.id, space_id: space.id, role: role("member") });
    const changed = await s.call(ADD, { params: { space_id: space.id }, body: { user_id: user.id, role: role("admin") } }, 200);
    expect(changed).toEqual({ ...added, role: role("admin") });
  });

  s.case(ADD, "400 for a body the client cannot send; 403 for a space member; 422 for a user outside the organization", async () => {
    await s.call(ADD, { params: { space_id: s.fx.spaceId }, badBody: { user_id: s.fx.reader.id } }, 400);
    const body = { user_id: s.fx.reader.id, role: role("admin") };
    await s.call(ADD, { params: { space_id: s.fx.spaceId }, body, key: s.fx.member.key }, 403);
    const outsider = await s.newUser("member");
    await s.call(ADD, { params: { space_id: s.fx.spaceId }, body: { user_id: outsider.id, role: role("member") } }, 422);
  });

  s.case(REMOVE, "204 with an empty body; removing again is 404", async () => {
    const space = await newSpace();
    await s.join("spaces", space.id, s.fx.reader.id, "member");
    await s.call(REMOVE, { params: { space_id: space.id, user_id: s.fx.reader.id } }, 204);
    await s.call(REMOVE, { params: { space_id: space.id, user_id: s.fx.reader.id } }, 404);
  });

  s.case(REMOVE, "403 for a space member removing someone", async () => {
    await s.call(REMOVE, { params: { space_id: s.fx.spaceId, user_id: s.fx.reader.id }, key: s.fx.member.key }, 403);
  });
}
