import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PERMISSIONS, PREDEFINED_ROLES, type Permission } from "../../src/auth/catalog.js";
import { holds, holdsAny, type Resource } from "../../src/auth/engine.js";
import { loadPrincipal } from "../../src/auth/principal.js";
import { insertAccount, insertOrganization, insertSpace, insertUser, upsertMembership } from "../../src/store/queries/identity.js";
import { insertProject } from "../../src/store/queries/projects.js";
import { insertRestriction } from "../../src/store/queries/restrictions.js";
import { insertRoleBinding } from "../../src/store/queries/role-bindings.js";
import { insertRole } from "../../src/store/queries/roles.js";
import type { AccountRole, MemberRole } from "../../src/store/schema.js";
import type { Store } from "../../src/store/store.js";
import { forEachStore } from "../support/stores.js";
import { openFreshStore, uniqueName, type StoreFixture } from "./support.js";

/**
 * The permission engine against a reference written from SPEC §12's words
 * (and §8's "account admins hold every permission everywhere"). Random worlds
 * are written into a real store; each user's principal is loaded as a request
 * loads it (loadPrincipal), and for every resource of the world the engine's
 * answer on every permission of the catalog must be the reference's.
 *
 * The reading of §12 both sides share (docs/access-control.md, "The permission
 * engine"): a membership grants its predefined role's set on the resource it is
 * held on; admin memberships also reach everything below (organization admins
 * are admins of its spaces); a binding grants its role's set on its resource and,
 * on a space, on the space's projects.
 */

/** A small pool, so random roles overlap with the predefined ones and with each other. */
const POOL: Permission[] = [
  "SERVICE_KEY_READ",
  "SERVICE_KEY_CREATE",
  "SERVICE_KEY_DELETE",
  "PROJECT_READ",
  "PROJECT_UPDATE",
  "PROJECT_DELETE",
  "PROJECT_RESTRICT",
  "ROLE_BINDING_READ",
  "PROJECT_SPAN_ANNOTATE",
  "USER_READ",
];

type RoleRef = { predefined: MemberRole } | { custom: number };

interface WorldSpec {
  orgs: number;
  spacesPerOrg: number[];
  projectsPerSpace: number[];
  restricted: boolean[];
  customRoles: Permission[][];
  users: {
    accountRole: AccountRole;
    orgRoles: (MemberRole | null)[];
    spaceRoles: (MemberRole | null)[];
    spaceBindings: (RoleRef | null)[];
    projectBindings: (RoleRef | null)[];
  }[];
}

const memberRole = fc.constantFrom<MemberRole>("admin", "member", "read-only", "annotator");

function worldArbitrary(): fc.Arbitrary<WorldSpec> {
  return fc
    .record({
      orgs: fc.integer({ min: 1, max: 2 }),
      spacesPerOrg: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
      projectsPerSpace: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      restricted: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      customRoles: fc.array(fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: 5 }), { minLength: 0, maxLength: 3 }),
      userCount: fc.integer({ min: 1, max: 3 }),
      seed: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 40, maxLength: 40 }),
    })
    .chain((base) => {
      const spaces = base.spacesPerOrg.slice(0, base.orgs).reduce((a, b) => a + b, 0);
      const projects = base.projectsPerSpace.slice(0, spaces).reduce((a, b) => a + b, 0);
      const roleRef: fc.Arbitrary<RoleRef | null> = fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: memberRole.map((r) => ({ predefined: r })) },
        ...(base.customRoles.length > 0
          ? [{ weight: 2, arbitrary: fc.integer({ min: 0, max: base.customRoles.length - 1 }).map((i) => ({ custom: i })) }]
          : []),
      );
      const maybeRole = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: memberRole });
      const user = fc.record({
        accountRole: fc.constantFrom<AccountRole>("admin", "member", "member", "member", "member", "annotator"),
        orgRoles: fc.array(maybeRole, { minLength: base.orgs, maxLength: base.orgs }),
        spaceRoles: fc.array(maybeRole, { minLength: spaces, maxLength: spaces }),
        spaceBindings: fc.array(roleRef, { minLength: spaces, maxLength: spaces }),
        projectBindings: fc.array(roleRef, { minLength: projects, maxLength: projects }),
      });
      return fc.array(user, { minLength: base.userCount, maxLength: base.userCount }).map((users) => ({
        orgs: base.orgs,
        spacesPerOrg: base.spacesPerOrg.slice(0, base.orgs),
        projectsPerSpace: base.projectsPerSpace.slice(0, spaces),
        restricted: base.restricted,
        customRoles: base.customRoles,
        users,
      }));
    });
}

/** The world as written, with its row ids. */
interface World {
  spec: WorldSpec;
  orgIds: number[];
  spaces: { id: number; org: number }[];
  projects: { id: number; space: number; restricted: boolean }[];
  roleIds: number[];
  users: { id: number; spec: WorldSpec["users"][number] }[];
}

async function writeWorld(store: Store, spec: WorldSpec): Promise<World> {
  const db = store.db;
  const now = Date.now();
  const accountId = await insertAccount(db, uniqueName("account"), now);
  const orgIds: number[] = [];
  const spaces: World["spaces"] = [];
  const projects: World["projects"] = [];
  for (let o = 0; o < spec.orgs; o++) {
    const org = await insertOrganization(db, { account_id: accountId, name: uniqueName("org"), description: "", created_at: now });
    orgIds.push(org.id);
    for (let s = 0; s < (spec.spacesPerOrg[o] ?? 0); s++) {
      const space = await insertSpace(db, { organization_id: org.id, name: uniqueName("space"), description: "", created_at: now });
      spaces.push({ id: space.id, org: o });
    }
  }
  for (const [s, space] of spaces.entries()) {
    for (let p = 0; p < (spec.projectsPerSpace[s] ?? 0); p++) {
      const project = await insertProject(db, { space_id: space.id, name: uniqueName("p"), created_at: now, updated_at: now });
      const restricted = spec.restricted[projects.length] ?? false;
      if (restricted) await insertRestriction(db, project.id, now);
      projects.push({ id: project.id, space: s, restricted });
    }
  }
  const roleIds: number[] = [];
  for (const permissions of spec.customRoles) {
    const role = await insertRole(db, {
      account_id: accountId,
      name: uniqueName("role"),
      description: null,
      permissions: JSON.stringify(permissions),
      created_at: now,
    });
    roleIds.push(role.id);
  }
  const roleId = (ref: RoleRef) =>
    "custom" in ref ? (roleIds[ref.custom] ?? 0) : (PREDEFINED_ROLES.find((r) => r.name === ref.predefined)?.id ?? 0);
  const users: World["users"] = [];
  for (const u of spec.users) {
    const email = `${uniqueName("user")}@example.com`;
    const row = await insertUser(db, {
      account_id: accountId,
      kind: "human",
      name: email,
      email,
      role: u.accountRole,
      is_developer: 1,
      status: "active",
      created_at: now,
      updated_at: now,
    });
    for (const [o, role] of u.orgRoles.entries()) {
      const orgId = orgIds[o] ?? 0;
      if (role)
        await upsertMembership(db, {
          user_id: row.id,
          organization_id: orgId,
          scope: "organization",
          scope_id: orgId,
          role,
          created_at: now,
        });
    }
    for (const [s, role] of u.spaceRoles.entries()) {
      const space = spaces[s];
      const orgId = orgIds[space?.org ?? 0] ?? 0;
      if (role && space)
        await upsertMembership(db, { user_id: row.id, organization_id: orgId, scope: "space", scope_id: space.id, role, created_at: now });
    }
    const bindingRow = (resource_type: "SPACE" | "PROJECT", resource_id: number, spaceIndex: number, ref: RoleRef) => {
      const space = spaces[spaceIndex];
      return {
        user_id: row.id,
        role_id: roleId(ref),
        resource_type,
        resource_id,
        space_id: space?.id ?? 0,
        organization_id: orgIds[space?.org ?? 0] ?? 0,
        created_at: now,
        updated_at: now,
      };
    };
    for (const [s, ref] of u.spaceBindings.entries()) {
      if (ref) await insertRoleBinding(db, bindingRow("SPACE", spaces[s]?.id ?? 0, s, ref));
    }
    for (const [p, ref] of u.projectBindings.entries()) {
      const project = projects[p];
      if (ref && project) await insertRoleBinding(db, bindingRow("PROJECT", project.id, project.space, ref));
    }
    users.push({ id: row.id, spec: u });
  }
  return { spec, orgIds, spaces, projects, roleIds, users };
}

type Place = { kind: "account" } | { kind: "org"; o: number } | { kind: "space"; s: number } | { kind: "project"; p: number };

/** SPEC §12, read literally over the world's description (no ids, no engine code). */
function reference(world: World, user: WorldSpec["users"][number], permission: Permission, place: Place): boolean {
  const setOf = (ref: RoleRef | MemberRole | AccountRole | null | undefined): readonly Permission[] => {
    if (ref === null || ref === undefined) return [];
    if (typeof ref === "string") return PREDEFINED_ROLES.find((r) => r.name === ref)?.permissions ?? [];
    if ("custom" in ref) return world.spec.customRoles[ref.custom] ?? [];
    return PREDEFINED_ROLES.find((r) => r.name === ref.predefined)?.permissions ?? [];
  };
  // SPEC §8: account admins hold every permission everywhere.
  if (user.accountRole === "admin") return true;
  if (place.kind === "account") return setOf(user.accountRole).includes(permission);
  if (place.kind === "org") return setOf(user.orgRoles[place.o]).includes(permission);
  const s = place.kind === "space" ? place.s : (world.projects[place.p]?.space ?? -1);
  const o = world.spaces[s]?.org ?? -1;
  const orgAdmin = user.orgRoles[o] === "admin";
  const spaceBinding = user.spaceBindings[s];
  const spaceAdmin =
    orgAdmin ||
    user.spaceRoles[s] === "admin" ||
    (spaceBinding !== null && spaceBinding !== undefined && "predefined" in spaceBinding && spaceBinding.predefined === "admin");
  const projectBinding = place.kind === "project" ? user.projectBindings[place.p] : null;
  // A restricted project ignores everything granted above it except space admins and account admins:
  // only bindings on the project itself count.
  if (place.kind === "project" && world.projects[place.p]?.restricted) return spaceAdmin || setOf(projectBinding).includes(permission);
  // The union of the organization admin's everything, the space membership's set, and the roles bound on the resource or on its space.
  return (
    orgAdmin ||
    setOf(user.spaceRoles[s]).includes(permission) ||
    setOf(spaceBinding).includes(permission) ||
    setOf(projectBinding).includes(permission)
  );
}

function resourceOf(world: World, place: Place): Resource {
  switch (place.kind) {
    case "account":
      return { type: "account" };
    case "org":
      return { type: "organization", id: world.orgIds[place.o] ?? 0 };
    case "space": {
      const space = world.spaces[place.s];
      return { type: "space", id: space?.id ?? 0, organizationId: world.orgIds[space?.org ?? 0] ?? 0 };
    }
    case "project": {
      const project = world.projects[place.p];
      const space = world.spaces[project?.space ?? 0];
      return { type: "project", id: project?.id ?? 0, spaceId: space?.id ?? 0, organizationId: world.orgIds[space?.org ?? 0] ?? 0 };
    }
  }
}

function placesOf(world: World): Place[] {
  return [
    { kind: "account" },
    ...world.orgIds.map((_, o) => ({ kind: "org" as const, o })),
    ...world.spaces.map((_, s) => ({ kind: "space" as const, s })),
    ...world.projects.map((_, p) => ({ kind: "project" as const, p })),
  ];
}

forEachStore((kind) => {
  let fixture: StoreFixture;
  beforeAll(async () => {
    fixture = await openFreshStore(kind);
  });
  afterAll(async () => fixture.close());

  it("answers as SPEC §12's reference on every permission, resource and user of random worlds", async () => {
    let checks = 0;
    let granted = 0;
    await fc.assert(
      fc.asyncProperty(worldArbitrary(), async (spec) => {
        const world = await writeWorld(fixture.store, spec);
        for (const user of world.users) {
          const row = await fixture.store.db.selectFrom("users").selectAll().where("id", "=", user.id).executeTakeFirstOrThrow();
          const principal = await loadPrincipal(fixture.store.db, row);
          for (const place of placesOf(world)) {
            const resource = resourceOf(world, place);
            const expected = PERMISSIONS.filter((p) => reference(world, user.spec, p, place));
            const actual = PERMISSIONS.filter((p) => holds(principal, p, resource));
            expect(actual, `${JSON.stringify(place)} of ${JSON.stringify(user.spec)} in ${JSON.stringify(spec)}`).toEqual(expected);
            // Sees it (404 otherwise) exactly when it holds something there; a space is also seen through a binding on one of its projects.
            const boundBelow =
              place.kind === "space" && world.projects.some((p, i) => p.space === place.s && user.spec.projectBindings[i] != null);
            if (place.kind !== "account") expect(holdsAny(principal, resource)).toBe(expected.length > 0 || boundBelow);
            checks += PERMISSIONS.length;
            granted += expected.length;
          }
        }
      }),
      { numRuns: kind === "sqlite" ? 150 : 60 },
    );
    // The worlds are not degenerate: both answers occur often.
    expect(granted).toBeGreaterThan(checks / 20);
    expect(granted).toBeLessThan(checks);
  }, 30_000);
});
