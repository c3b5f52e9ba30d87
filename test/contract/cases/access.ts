import { expect } from "vitest";
import { unique } from "../../support/identity.js";
import { idOfNothing, type ContractSuite } from "../suite.js";

const PROJECT_CREATE = "POST /v2/projects";
const PROJECT_LIST = "GET /v2/projects";
const PROJECT_GET = "GET /v2/projects/{project_id}";
const PROJECT_PATCH = "PATCH /v2/projects/{project_id}";
const PROJECT_DELETE = "DELETE /v2/projects/{project_id}";
const ROLE_CREATE = "POST /v2/roles";
const ROLE_LIST = "GET /v2/roles";
const ROLE_GET = "GET /v2/roles/{role_id}";
const ROLE_PATCH = "PATCH /v2/roles/{role_id}";
const ROLE_DELETE = "DELETE /v2/roles/{role_id}";
const BINDING_CREATE = "POST /v2/role-bindings";
const BINDING_LIST = "GET /v2/role-bindings";
const BINDING_GET = "GET /v2/role-bindings/{binding_id}";
const BINDING_PATCH = "PATCH /v2/role-bindings/{binding_id}";
const BINDING_DELETE = "DELETE /v2/role-bindings/{binding_id}";
const RESTRICT = "POST /v2/resource-restrictions";
const UNRESTRICT = "DELETE /v2/resource-restrictions/{resource_id}";

/** Projects, roles, role bindings and resource restrictions (SPEC §12) as sdk-8.31.0.json defines them. */
export function accessCases(s: ContractSuite): void {
  const newProject = async (name = unique("contract-project")) => s.call(PROJECT_CREATE, { body: { name, space_id: s.fx.spaceId } }, 201);
  const newRole = async (name = unique("contract-role")) => s.call(ROLE_CREATE, { body: { name, permissions: ["PROJECT_READ"] } }, 201);
  const predefinedId = async (name: string): Promise<string> => {
    const roles = (await s.call(ROLE_LIST, { query: { is_predefined: "true" } }, 200)).roles as { id: string; name: string }[];
    return roles.find((r) => r.name === name)?.id ?? "";
  };
  // Bindings go to a user of their own, so no other case's caller gains a role (the permission engine reads them);
  // the one exception is a binding of the member on a project made for it alone.
  let bindable: string | undefined;
  const bindableUser = async (): Promise<string> => {
    if (bindable === undefined) {
      const user = await s.newUser("member");
      await s.join("organizations", s.fx.orgId, user.id, "read-only");
      bindable = user.id as string;
    }
    return bindable;
  };
  const newBinding = async (resourceId = s.fx.spaceId, resourceType = "SPACE") => {
    const body = {
      role_id: await predefinedId("read-only"),
      user_id: await bindableUser(),
      resource_type: resourceType,
      resource_id: resourceId,
    };
    return s.call(BINDING_CREATE, { body }, 201);
  };

  s.case(PROJECT_CREATE, "201 Project in the space", async () => {
    const name = unique("contract-project");
    expect(await newProject(name)).toMatchObject({ name, space_id: s.fx.spaceId });
  });

  s.case(
    PROJECT_CREATE,
    "400 for a body the client cannot send; 403 for a read-only member; 409 for a taken name; 422 for an unseen space",
    async () => {
      await s.call(PROJECT_CREATE, { badBody: { name: "x" } }, 400);
      await s.call(PROJECT_CREATE, { body: { name: "x", space_id: s.fx.spaceId }, key: s.fx.reader.key }, 403);
      const { name } = await newProject();
      await s.call(PROJECT_CREATE, { body: { name, space_id: s.fx.spaceId } }, 409);
      await s.call(PROJECT_CREATE, { body: { name: "x", space_id: idOfNothing("Space") } }, 422);
    },
  );

  s.case(PROJECT_LIST, "200 ProjectListResponse, filtered by space, space name and name, in pages", async () => {
    const { id, name } = await newProject();
    const found = await s.call(PROJECT_LIST, { query: { space_id: s.fx.spaceId, name: name.toUpperCase() } }, 200);
    expect(found.projects.map((p: { id: string }) => p.id)).toEqual([id]);
    await newProject();
    const first = await s.call(PROJECT_LIST, { query: { space_id: s.fx.spaceId, limit: "1" } }, 200);
    await s.call(PROJECT_LIST, { query: { space_id: s.fx.spaceId, limit: "1", cursor: first.pagination.next_cursor } }, 200);
    const unseen = await s.call(PROJECT_LIST, { query: { space_id: idOfNothing("Space") } }, 200);
    expect(unseen.projects).toEqual([]);
  });

  s.case(PROJECT_LIST, "400 for a bad space id or limit; 403 without developer access", async () => {
    for (const query of [{ space_id: "not-an-id" }, { limit: "0" }, { cursor: "forged" }]) await s.call(PROJECT_LIST, { query }, 400);
    await s.call(PROJECT_LIST, { key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(PROJECT_GET, "200 Project for a space member; 403 without developer access", async () => {
    const project = await newProject();
    expect(await s.call(PROJECT_GET, { params: { project_id: project.id }, key: s.fx.reader.key }, 200)).toEqual(project);
    await s.call(PROJECT_GET, { params: { project_id: project.id }, key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(PROJECT_PATCH, "200 Project renamed", async () => {
    const project = await newProject();
    const name = unique("contract-renamed");
    expect(await s.call(PROJECT_PATCH, { params: { project_id: project.id }, body: { name } }, 200)).toMatchObject({
      id: project.id,
      name,
    });
  });

  s.case(PROJECT_PATCH, "400 for a body the client cannot send; 403 for a read-only member; 422 for a name the space has", async () => {
    const [a, b] = [await newProject(), await newProject()];
    await s.call(PROJECT_PATCH, { params: { project_id: a.id }, badBody: {} }, 400);
    await s.call(PROJECT_PATCH, { params: { project_id: a.id }, body: { name: "y" }, key: s.fx.reader.key }, 403);
    await s.call(PROJECT_PATCH, { params: { project_id: a.id }, body: { name: b.name } }, 422);
  });

  s.case(PROJECT_DELETE, "204 with an empty body; the project is then 404; 403 for a read-only member", async () => {
    const project = await newProject();
    await s.call(PROJECT_DELETE, { params: { project_id: project.id }, key: s.fx.reader.key }, 403);
    await s.call(PROJECT_DELETE, { params: { project_id: project.id } }, 204);
    await s.call(PROJECT_GET, { params: { project_id: project.id } }, 404);
  });

  s.case(ROLE_CREATE, "201 Role, custom, its permissions sorted", async () => {
    const name = unique("contract-role");
    const body = { name, description: "reads", permissions: ["PROJECT_READ", "DATASET_READ"] };
    expect(await s.call(ROLE_CREATE, { body }, 201)).toMatchObject({
      name,
      is_predefined: false,
      permissions: ["DATASET_READ", "PROJECT_READ"],
    });
  });

  s.case(ROLE_CREATE, "400 for a body the client cannot send; 403 for a member; 409 for a taken name", async () => {
    await s.call(ROLE_CREATE, { badBody: { name: "x", permissions: [] } }, 400);
    await s.call(ROLE_CREATE, { badBody: { name: "x", permissions: ["TIME_TRAVEL"] } }, 400);
    await s.call(ROLE_CREATE, { body: { name: "x", permissions: ["PROJECT_READ"] }, key: s.fx.member.key }, 403);
    const { name } = await newRole();
    await s.call(ROLE_CREATE, { body: { name, permissions: ["PROJECT_READ"] } }, 409);
    await s.call(ROLE_CREATE, { body: { name: "member", permissions: ["PROJECT_READ"] } }, 409);
  });

  s.case(ROLE_LIST, "200 RoleListResponse: predefined and custom, filtered by is_predefined, in pages", async () => {
    await newRole();
    const predefined = await s.call(ROLE_LIST, { query: { is_predefined: "true" } }, 200);
    expect(predefined.roles.map((r: { name: string }) => r.name)).toEqual(["annotator", "read-only", "member", "admin"]);
    const custom = await s.call(ROLE_LIST, { query: { is_predefined: "false", limit: "1" } }, 200);
    await s.call(ROLE_LIST, { query: { is_predefined: "false", limit: "1", cursor: custom.pagination.next_cursor } }, 200);
  });

  s.case(ROLE_LIST, "400 for a bad filter or limit; 403 without developer access", async () => {
    for (const query of [{ is_predefined: "maybe" }, { limit: "0" }, { cursor: "forged" }]) await s.call(ROLE_LIST, { query }, 400);
    await s.call(ROLE_LIST, { key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(ROLE_GET, "200 Role, predefined or custom, for any developer; 403 without developer access", async () => {
    const role = await newRole();
    expect(await s.call(ROLE_GET, { params: { role_id: role.id }, key: s.fx.reader.key }, 200)).toEqual(role);
    const admin = await s.call(ROLE_GET, { params: { role_id: await predefinedId("admin") } }, 200);
    expect(admin).toMatchObject({ name: "admin", is_predefined: true });
    await s.call(ROLE_GET, { params: { role_id: role.id }, key: s.fx.nonDeveloper.key }, 403);
  });

  s.case(ROLE_PATCH, "200 Role with its permissions replaced", async () => {
    const role = await newRole();
    const updated = await s.call(ROLE_PATCH, { params: { role_id: role.id }, body: { permissions: ["DATASET_READ"] } }, 200);
    expect(updated).toMatchObject({ id: role.id, name: role.name, permissions: ["DATASET_READ"] });
  });

  s.case(
    ROLE_PATCH,
    "400 for a body the client cannot send; 403 for a member and for a predefined role; 409 for a taken name",
    async () => {
      const [a, b] = [await newRole(), await newRole()];
      await s.call(ROLE_PATCH, { params: { role_id: a.id }, badBody: { permissions: [] } }, 400);
      await s.call(ROLE_PATCH, { params: { role_id: a.id }, body: { name: "x" }, key: s.fx.member.key }, 403);
      await s.call(ROLE_PATCH, { params: { role_id: await predefinedId("member") }, body: { name: "x" } }, 403);
      await s.call(ROLE_PATCH, { params: { role_id: a.id }, body: { name: b.name } }, 409);
    },
  );

  s.case(ROLE_DELETE, "204 with an empty body; the role is then 404", async () => {
    const role = await newRole();
    await s.call(ROLE_DELETE, { params: { role_id: role.id } }, 204);
    await s.call(ROLE_GET, { params: { role_id: role.id } }, 404);
  });

  s.case(ROLE_DELETE, "403 for a member and for a predefined role; 422 for a role still bound", async () => {
    const role = await newRole();
    await s.call(ROLE_DELETE, { params: { role_id: role.id }, key: s.fx.member.key }, 403);
    await s.call(ROLE_DELETE, { params: { role_id: await predefinedId("read-only") } }, 403);
    const body = { role_id: role.id, user_id: await bindableUser(), resource_type: "PROJECT", resource_id: (await newProject()).id };
    await s.call(BINDING_CREATE, { body }, 201);
    await s.call(ROLE_DELETE, { params: { role_id: role.id } }, 422);
  });

  s.case(BINDING_CREATE, "201 RoleBinding on a space and on a project", async () => {
    expect(await newBinding()).toMatchObject({ user_id: await bindableUser(), resource_type: "SPACE", resource_id: s.fx.spaceId });
    const project = await newProject();
    expect(await newBinding(project.id, "PROJECT")).toMatchObject({ resource_type: "PROJECT", resource_id: project.id });
  });

  s.case(
    BINDING_CREATE,
    "400, 403 for a space member, 404 for a role of nothing, 409 for a second binding, 422 for a user outside the organization",
    async () => {
      const roleId = await predefinedId("read-only");
      await s.call(
        BINDING_CREATE,
        { badBody: { role_id: roleId, user_id: await bindableUser(), resource_type: "ORG", resource_id: s.fx.orgId } },
        400,
      );
      const project = await newProject();
      const body = { role_id: roleId, user_id: await bindableUser(), resource_type: "PROJECT", resource_id: project.id };
      await s.call(BINDING_CREATE, { body, key: s.fx.member.key }, 403);
      await s.call(BINDING_CREATE, { body: { ...body, role_id: idOfNothing("Role") } }, 404);
      await s.call(BINDING_CREATE, { body }, 201);
      await s.call(BINDING_CREATE, { body }, 409);
      const outsider = await s.newUser("member");
      await s.call(BINDING_CREATE, { body: { ...body, user_id: outsider.id } }, 422);
    },
  );

  s.case(BINDING_LIST, "200 RoleBindingListResponse, filtered by user and resource type, in pages", async () => {
    const project = await newProject();
    const binding = await newBinding(project.id, "PROJECT");
    const found = await s.call(BINDING_LIST, { query: { user_id: await bindableUser(), resource_type: "PROJECT" } }, 200);
    expect(found.role_bindings.map((b: { id: string }) => b.id)).toContain(binding.id);
    await newBinding((await newProject()).id, "PROJECT");
    const first = await s.call(BINDING_LIST, { query: { limit: "1" } }, 200);
    await s.call(BINDING_LIST, { query: { limit: "1", cursor: first.pagination.next_cursor } }, 200);
  });

  s.case(BINDING_LIST, "400 for a bad user id, resource type or limit", async () => {
    for (const query of [{ user_id: "not-an-id" }, { resource_type: "ORG" }, { limit: "0" }]) await s.call(BINDING_LIST, { query }, 400);
  });

  s.case(BINDING_GET, "200 RoleBinding for an admin of its space; 404 for a member of it", async () => {
    const binding = await newBinding((await newProject()).id, "PROJECT");
    expect(await s.call(BINDING_GET, { params: { binding_id: binding.id } }, 200)).toEqual(binding);
    await s.call(BINDING_GET, { params: { binding_id: binding.id }, key: s.fx.member.key }, 404);
  });

  s.case(BINDING_PATCH, "200 RoleBinding with another role", async () => {
    const binding = await newBinding((await newProject()).id, "PROJECT");
    const roleId = await predefinedId("annotator");
    const updated = await s.call(BINDING_PATCH, { params: { binding_id: binding.id }, body: { role_id: roleId } }, 200);
    expect(updated).toMatchObject({ id: binding.id, role_id: roleId });
  });

  s.case(BINDING_PATCH, "400 for a body the client cannot send; 404 for a role of nothing", async () => {
    const binding = await newBinding((await newProject()).id, "PROJECT");
    await s.call(BINDING_PATCH, { params: { binding_id: binding.id }, badBody: {} }, 400);
    await s.call(BINDING_PATCH, { params: { binding_id: binding.id }, body: { role_id: idOfNothing("Role") } }, 404);
  });

  s.case(BINDING_DELETE, "204 with an empty body; then 404", async () => {
    const binding = await newBinding((await newProject()).id, "PROJECT");
    await s.call(BINDING_DELETE, { params: { binding_id: binding.id }, key: s.fx.member.key }, 404);
    await s.call(BINDING_DELETE, { params: { binding_id: binding.id } }, 204);
    await s.call(BINDING_DELETE, { params: { binding_id: binding.id } }, 404);
  });

  s.case(RESTRICT, "200 ResourceRestrictionResponseBody, and the same again for a restricted project", async () => {
    const project = await newProject();
    const first = await s.call(RESTRICT, { body: { resource_id: project.id } }, 200);
    expect(first.resource_restriction).toMatchObject({ resource_type: "PROJECT", resource_id: project.id });
    expect(await s.call(RESTRICT, { body: { resource_id: project.id } }, 200)).toEqual(first);
  });

  s.case(
    RESTRICT,
    "400 for a body the client cannot send or a space id; 403 for a space member; 404 for a project of nothing",
    async () => {
      await s.call(RESTRICT, { badBody: {} }, 400);
      await s.call(RESTRICT, { body: { resource_id: s.fx.spaceId } }, 400);
      const project = await newProject();
      await s.call(RESTRICT, { body: { resource_id: project.id }, key: s.fx.member.key }, 403);
      await s.call(RESTRICT, { body: { resource_id: idOfNothing("Project") } }, 404);
    },
  );

  s.case(UNRESTRICT, "204 with an empty body; lifting again is 404; 404 for a space member, 403 for one bound on the project", async () => {
    const project = await newProject();
    await s.call(RESTRICT, { body: { resource_id: project.id } }, 200);
    // The restricted project is hidden from a space member (SPEC §12)...
    await s.call(UNRESTRICT, { params: { resource_id: project.id }, key: s.fx.member.key }, 404);
    // ...but not from one bound on it, whose role (member) does not hold PROJECT_RESTRICT.
    const body = { role_id: await predefinedId("member"), user_id: s.fx.member.id, resource_type: "PROJECT", resource_id: project.id };
    await s.call(BINDING_CREATE, { body }, 201);
    await s.call(UNRESTRICT, { params: { resource_id: project.id }, key: s.fx.member.key }, 403);
    await s.call(UNRESTRICT, { params: { resource_id: project.id } }, 204);
    await s.call(UNRESTRICT, { params: { resource_id: project.id } }, 404);
  });
}
