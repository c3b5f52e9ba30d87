import { generateRawKey, hashKey, redactKey, type RandomSource } from "../../auth/key-format.js";
import { encodeId } from "../../http/ids.js";
import { insertApiKey } from "../../store/queries/api-keys.js";
import { appendAuditEvent } from "../../store/queries/audit.js";
import { findAccountId, insertOrganization, insertSpace, insertUser, upsertMembership } from "../../store/queries/identity.js";
import type { Store } from "../../store/store.js";

export interface BootstrapInput {
  adminName: string;
  adminEmail: string;
}

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
  random?: RandomSource,
): Promise<BootstrapResult | undefined> {
  const rawKey = generateRawKey(random);
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
    const key = await insertApiKey(tx, {
      key_type: "user",
      name: "bootstrap",
      description: "Created by keyhouse init",
      key_hash: hashKey(secret, rawKey),
      redacted_key: redactKey(rawKey),
      principal_user_id: admin.id,
      created_by_user_id: admin.id,
      space_id: null,
      created_at: now,
      expires_at: null,
      rotated_from_id: null,
    });
    const ids = {
      userId: encodeId("User", admin.id),
      organizationId: encodeId("Organization", organization.id),
      spaceId: encodeId("Space", space.id),
    };
    await appendAuditEvent(tx, {
      occurredAt: now,
      action: "keyhouse.initialized",
      actorUserId: null,
      actorKeyId: null,
      clientAddress: null,
      requestId: null,
      targetIds: [ids.userId, ids.organizationId, ids.spaceId, encodeId("ApiKey", key.id)],
      details: { admin_email: input.adminEmail },
    });
    return { apiKey: rawKey, ...ids };
  });
}
