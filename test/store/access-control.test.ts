import { afterEach, describe, expect, it } from "vitest";
import { FIRST_CUSTOM_ROLE_ID } from "../../src/store/migrations/0007-access-control.js";
import { insertProject, softDeleteProjects } from "../../src/store/queries/projects.js";
import { insertRestriction } from "../../src/store/queries/restrictions.js";
import { insertRole } from "../../src/store/queries/roles.js";
import { insertRoleBinding } from "../../src/store/queries/role-bindings.js";
import { forEachStore } from "../support/stores.js";
import { openFreshStore, seedUser, seedWorld, uniqueName, type StoreFixture } from "./support.js";

/** The constraints of the access-control tables (migration 0007), on both stores. */
forEachStore((kind) => {
  let fixture: StoreFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  async function open() {
    fixture = await openFreshStore(kind);
    const { store } = fixture;
    const world = await seedWorld(store.db);
    return { store, world };
  }

  describe("access-control tables", () => {
    it("project names are unique in a space, case-insensitively, and a deleted project frees its name", async () => {
      const { store, world } = await open();
      const now = Date.now();
      const first = await insertProject(store.db, { space_id: world.spaceId, name: "Checkout", created_at: now, updated_at: now });
      await expect(
        insertProject(store.db, { space_id: world.spaceId, name: "CHECKOUT", created_at: now, updated_at: now }),
      ).rejects.toSatisfy((error) => store.isUniqueViolation(error));
      expect(await softDeleteProjects(store.db, { id: first.id }, now)).toEqual([first.id]);
      const again = await insertProject(store.db, { space_id: world.spaceId, name: "checkout", created_at: now, updated_at: now });
      expect(again.id).not.toBe(first.id);
    });

    it("custom role ids start above the reserved predefined ones, and names are unique in the account", async () => {
      const { store, world } = await open();
      const role = await insertRole(store.db, {
        account_id: world.accountId,
        name: "Auditors",
        description: null,
        permissions: '["PROJECT_READ"]',
        created_at: Date.now(),
      });
      expect(role.id).toBe(FIRST_CUSTOM_ROLE_ID);
      await expect(
        insertRole(store.db, { account_id: world.accountId, name: "auditors", description: null, permissions: "[]", created_at: 1 }),
      ).rejects.toSatisfy((error) => store.isUniqueViolation(error));
    });

    it("one binding per user per resource; the resource type is SPACE or PROJECT", async () => {
      const { store, world } = await open();
      const userId = await seedUser(store.db, world.accountId);
      const binding = {
        user_id: userId,
        role_id: 2,
        resource_type: "SPACE" as const,
        resource_id: world.spaceId,
        space_id: world.spaceId,
        organization_id: world.organizationId,
        created_at: 1,
        updated_at: 1,
      };
      await insertRoleBinding(store.db, binding);
      await expect(insertRoleBinding(store.db, { ...binding, role_id: 3 })).rejects.toSatisfy((error) => store.isUniqueViolation(error));
      await insertRoleBinding(store.db, { ...binding, resource_type: "PROJECT" });
      await expect(
        insertRoleBinding(store.db, { ...binding, user_id: await seedUser(store.db, world.accountId), resource_type: "ORG" as "SPACE" }),
      ).rejects.toThrow();
    });

    it("a project is restricted at most once; restricting it again keeps the first restriction", async () => {
      const { store, world } = await open();
      const project = await insertProject(store.db, { space_id: world.spaceId, name: uniqueName("p"), created_at: 1, updated_at: 1 });
      const first = await insertRestriction(store.db, project.id, 10);
      const second = await insertRestriction(store.db, project.id, 20);
      expect(first).toEqual({ row: { project_id: project.id, created_at: 10 }, created: true });
      expect(second).toEqual({ row: { project_id: project.id, created_at: 10 }, created: false });
    });
  });
});
