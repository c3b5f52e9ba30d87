import { generateRawKey, hashKey, redactKey } from "../../src/auth/key-format.js";
import { decodeId, encodeId } from "../../src/http/ids.js";
import { insertApiKey } from "../../src/store/queries/api-keys.js";
import { insertSpace, insertUser, upsertMembership } from "../../src/store/queries/identity.js";
import type { AccountRole, MemberRole } from "../../src/store/schema.js";
import { recordIssuedKey } from "./hygiene.js";
import type { TestServer } from "./server.js";

/**
 * Seeds identities straight into the server's real store. The identity admin API
 * is tested on its own; these fixtures only set the stage for key tests.
 */
export interface SeededUser {
  id: number;
  wireId: string;
  key: string;
}

let counter = 0;

/** The server's time: seeded rows are dated on its clock, like the rows it writes itself. */
function serverNow(t: TestServer): number {
  return t.clock?.now() ?? Date.now();
}

function numericId(type: "Space" | "Organization", wire: string): number {
  const decoded = decodeId(type, wire);
  if (!decoded.ok) throw new Error(`bad ${type} id ${wire}`);
  return decoded.n;
}

export async function seedSpace(
  t: TestServer,
  name: string,
  organizationWireId = t.organizationId,
): Promise<{ id: number; wireId: string; organizationId: number }> {
  const organizationId = numericId("Organization", organizationWireId);
  const space = await insertSpace(t.server.store.db, { organization_id: organizationId, name, description: "", created_at: serverNow(t) });
  return { id: space.id, wireId: encodeId("Space", space.id), organizationId };
}

export interface SeedUserOptions {
  role?: AccountRole;
  isDeveloper?: boolean;
  orgRole?: MemberRole;
  spaceRole?: MemberRole;
  spaceWireId?: string;
  status?: "active" | "invited";
}

/** Creates a human user with the given roles and one user key. */
export async function seedUser(t: TestServer, options: SeedUserOptions = {}): Promise<SeededUser> {
  const db = t.server.store.db;
  const now = serverNow(t);
  counter += 1;
  const role = options.role ?? "member";
  const user = await insertUser(db, {
    account_id: 1,
    kind: "human",
    name: `User ${counter}`,
    email: `user${counter}-${now}@example.test`,
    role,
    is_developer: (options.isDeveloper ?? role !== "annotator") ? 1 : 0,
    status: options.status ?? "active",
    created_at: now,
    updated_at: now,
  });
  const spaceId = numericId("Space", options.spaceWireId ?? t.spaceId);
  const space = await db.selectFrom("spaces").select(["id", "organization_id"]).where("id", "=", spaceId).executeTakeFirstOrThrow();
  if (options.orgRole) {
    await upsertMembership(db, {
      user_id: user.id,
      scope: "organization",
      scope_id: space.organization_id,
      organization_id: space.organization_id,
      role: options.orgRole,
      created_at: now,
    });
  }
  if (options.spaceRole) {
    await upsertMembership(db, {
      user_id: user.id,
      scope: "space",
      scope_id: space.id,
      organization_id: space.organization_id,
      role: options.spaceRole,
      created_at: now,
    });
  }
  const key = generateRawKey();
  recordIssuedKey(key);
  await insertApiKey(db, {
    key_type: "user",
    name: "seed",
    description: null,
    key_hash: hashKey(t.secret, key),
    redacted_key: redactKey(key),
    principal_user_id: user.id,
    created_by_user_id: user.id,
    space_id: null,
    created_at: now,
    expires_at: null,
    rotated_from_id: null,
  });
  return { id: user.id, wireId: encodeId("User", user.id), key };
}
