import { randomBytes } from "node:crypto";
import type { RandomSource } from "../../auth/key-format.js";
import { encodeId } from "../../http/ids.js";
import { insertApiKey } from "../../store/queries/api-keys.js";
import { keyMaterial, newKeyRow } from "../apikeys/index.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import { findAccountId, insertOrganization, insertSpace, insertUser, upsertMembership } from "../../store/queries/identity.js";
import type { Store } from "../../store/store.js";

export interface BootstrapInput {
  adminName: string;
  adminEmail: string;
}

/** The admin `serve` creates on an empty store, and `init` without --admin-name/--admin-email. */
export const DEFAULT_ADMIN: BootstrapInput = { adminName: "Admin", adminEmail: "admin@keyhouse.local" };

export interface BootstrapResult {
  apiKey: string;
  userId: string;
  organizationId: string;
  spaceId: string;
}

/**
 * Initializes an empty store (SPEC §9): the account, an organization and a space
 * named `default`, an admin user and that admin's first key. Returns undefined,
 * changing nothing, when the store is already initialized.
 */
export async function bootstrap(
  store: Store,
  secret: Buffer,
  input: BootstrapInput,
  now: number,
  random: RandomSource = randomBytes,
): Promise<BootstrapResult | undefined> {
  const material = keyMaterial(random, secret);
  return store.transaction(async (tx) => {
    if ((await findAccountId(tx)) !== undefined) return undefined;
    // The fixed id makes a second, concurrent bootstrap fail on the primary key.
    await tx.insertInto("accounts").values({ id: 1, name: "default", created_at: now }).execute();
    const organization = await insertOrganization(tx, { account_id: 1, name: "default", description: "", created_at: now });
    const space = await insertSpace(tx, { organization_id: organization.id, name: "default", description: "", created_at: now });
    const admin = await insertUser(tx, {
      account_id: 1,
      kind: "human",
      name: input.adminName,
      email: input.adminEmail,
      role: "admin",
      is_developer: 1,
      status: "active",
      created_at: now,
      updated_at: now,
    });
    const base = { user_id: admin.id, organization_id: organization.id, role: "admin" as const, created_at: now };
    await upsertMembership(tx, { ...base, scope: "organization", scope_id: organization.id });
    await upsertMembership(tx, { ...base, scope: "space", scope_id: space.id });
    const key = await insertApiKey(
      tx,
      newKeyRow(
        material,
        {
          keyType: "user",
          name: "bootstrap",
          description: "Created by keyhouse init",
          principalUserId: admin.id,
          createdByUserId: admin.id,
          spaceId: null,
          expiresAt: null,
        },
        now,
      ),
    );
    const ids = {
      userId: encodeId("User", admin.id),
      organizationId: encodeId("Organization", organization.id),
      spaceId: encodeId("Space", space.id),
    };
    await recordAudit(tx, {
      actor: null,
      at: now,
      action: "keyhouse.initialized",
      targets: [
        auditTarget("User", admin.id),
        auditTarget("Organization", organization.id),
        auditTarget("Space", space.id),
        auditTarget("ApiKey", key.id),
      ],
      details: { admin_email: input.adminEmail },
    });
    return { apiKey: material.rawKey, ...ids };
  });
}
