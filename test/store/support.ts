import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseTarget } from "../../src/config/config.js";
import { insertApiKey } from "../../src/store/queries/api-keys.js";
import { insertAccount, insertOrganization, insertSpace, insertUser } from "../../src/store/queries/identity.js";
import { openStore } from "../../src/store/open.js";
import type { Db, Store } from "../../src/store/store.js";
import { freshPostgresSchema } from "../support/server.js";
import type { StoreKind } from "../support/stores.js";

/** A real store over a fresh database (SQLite file or PostgreSQL schema), opened as the server opens one. */
export interface StoreFixture {
  kind: StoreKind;
  target: DatabaseTarget;
  store: Store;
  /** The SQLite file (undefined on PostgreSQL). */
  path: string | undefined;
  /** Opens another store on the same database: other connections, as another process would hold. */
  openAnother(): Promise<Store>;
  /** Closes every store opened here and removes the database. */
  close(): Promise<void>;
}

/** Opens a store on a fresh database; migrated to the latest version unless `migrate` is false. */
export async function openFreshStore(kind: StoreKind, options: { migrate?: boolean } = {}): Promise<StoreFixture> {
  let target: DatabaseTarget;
  let cleanup: () => Promise<void>;
  let path: string | undefined;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "keyhouse-store-"));
    path = join(dir, "keyhouse.db");
    target = { kind: "sqlite", path };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = await freshPostgresSchema();
    target = { kind: "postgres", url: schema.url };
    cleanup = schema.drop;
  }
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore(target);
    opened.push(store);
    return store;
  };
  const store = await open();
  if (options.migrate ?? true) await store.migrate();
  return {
    kind,
    target,
    store,
    path,
    openAnother: open,
    close: async () => {
      for (const s of opened.splice(0)) await s.close();
      await cleanup();
    },
  };
}

let unique = 0;
/** A name no other seeded row has. */
export function uniqueName(prefix: string): string {
  unique += 1;
  return `${prefix}-${unique}-${randomBytes(3).toString("hex")}`;
}

export interface World {
  accountId: number;
  organizationId: number;
  spaceId: number;
}

/** An account with one organization and one space. */
export async function seedWorld(db: Db): Promise<World> {
  const now = Date.now();
  const accountId = await insertAccount(db, uniqueName("account"), now);
  const organization = await insertOrganization(db, { account_id: accountId, name: uniqueName("org"), description: "", created_at: now });
  const space = await insertSpace(db, { organization_id: organization.id, name: uniqueName("space"), description: "", created_at: now });
  return { accountId, organizationId: organization.id, spaceId: space.id };
}

/** An active human user. */
export async function seedUser(db: Db, accountId: number, email = `${uniqueName("user")}@example.com`): Promise<number> {
  const now = Date.now();
  const user = await insertUser(db, {
    account_id: accountId,
    kind: "human",
    name: email,
    email,
    role: "member",
    is_developer: 1,
    status: "active",
    created_at: now,
    updated_at: now,
  });
  return user.id;
}

/** An active user key acting as `userId` (its hash random: no raw key exists). */
export async function seedKey(db: Db, userId: number): Promise<number> {
  const key = await insertApiKey(db, {
    key_type: "user",
    name: uniqueName("key"),
    description: null,
    key_hash: randomBytes(32),
    redacted_key: "ak-…test",
    principal_user_id: userId,
    created_by_user_id: userId,
    space_id: null,
    created_at: Date.now(),
    expires_at: null,
    rotated_from_id: null,
  });
  return key.id;
}

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise and the function that resolves it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves for everyone once `n` callers have arrived. */
export function barrier(n: number): () => Promise<void> {
  const all = gate();
  let arrived = 0;
  return () => {
    arrived += 1;
    if (arrived >= n) all.open();
    return all.promise;
  };
}
