// A store writer to be killed: runs keyhouse's own key service (compiled, from
// dist/) in a tight loop of multi-statement transactions (service-key creation:
// bot user, two memberships, key, audit event and targets; rotations with and
// without grace), so that a SIGKILL lands inside a transaction most of the time.
// It prints "created <id>" or "refreshed <old> <new>" after each commit (stdout
// is a pipe, written synchronously on Linux), never a raw key.
//
// Usage: node crash-writer.mjs <dist dir>, with KEYHOUSE_DATABASE_URL,
// KEYHOUSE_SECRET, CRASH_ADMIN_KEY and CRASH_SPACE (a numeric space id).
import { randomBytes } from "node:crypto";

const dist = process.argv[2];
const { loadConfig } = await import(`${dist}/config/config.js`);
const { openStore } = await import(`${dist}/store/open.js`);
const { hashKey } = await import(`${dist}/auth/key-format.js`);
const { findKeyByHash } = await import(`${dist}/store/queries/api-keys.js`);
const { loadPrincipal } = await import(`${dist}/auth/principal.js`);
const { createKey } = await import(`${dist}/features/apikeys/service.js`);
const { refreshKey } = await import(`${dist}/features/apikeys/refresh.js`);
const { CursorCodec } = await import(`${dist}/http/cursor.js`);
const { StoreCache } = await import(`${dist}/store/cache.js`);

const config = loadConfig(process.env);
const secret = Buffer.from(config.secret, "utf8");
const store = await openStore(config.database);
const found = await findKeyByHash(store.db, hashKey(secret, process.env.CRASH_ADMIN_KEY));
const caller = {
  principal: await loadPrincipal(store.db, found.user),
  user: found.user,
  keyId: found.key.id,
  keyType: found.key.key_type,
  keySpaceId: found.key.space_id,
};
const deps = {
  store,
  now: Date.now,
  random: randomBytes,
  secret,
  cursors: new CursorCodec(secret),
  keyCache: new StoreCache(store.invalidation, 0, 0),
};
const actor = { caller, meta: { clientAddress: "crash-writer", requestId: `crash-writer-${process.pid}` } };
const roles = { spaceRole: "member", orgRole: "read-only", accountRole: "member" };
const spaceId = Number(process.env.CRASH_SPACE);
const live = [];
process.stdout.write("ready\n");
for (let i = 0; ; i++) {
  if (i % 3 === 2 && live.length > 0) {
    const [old] = live.splice(Math.floor(Math.random() * live.length), 1);
    const issued = await refreshKey(deps, actor, old, { expiresAt: null, gracePeriodSeconds: i % 2 === 0 ? 0 : 3600 });
    live.push(issued.record.id);
    process.stdout.write(`refreshed ${old} ${issued.record.id}\n`);
  } else {
    const input = { name: `writer ${i}`, description: null, expiresAt: null, keyType: "service", spaceId, roles };
    const issued = await createKey(deps, actor, input);
    live.push(issued.record.id);
    process.stdout.write(`created ${issued.record.id}\n`);
  }
}
