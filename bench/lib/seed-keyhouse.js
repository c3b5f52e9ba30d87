// Seeds N user keys straight into a keyhouse store (SQLite file or PostgreSQL
// schema), all acting as, and created by, one user: the benchmark's caller, so a
// list walk covers every one of them. Each key is a real keyhouse key, generated
// and hashed by keyhouse's own functions (HMAC-SHA-256 with the server secret),
// so any of them authenticates. Creation over HTTP is measured separately; this
// only sets the stage, so it writes no audit events.
//   node seed-keyhouse.js <json options>
// Options: { store: "sqlite"|"postgres", target: <file or URL>, secret, userId, count, sampleFile,
//            wideFile?, wideCount? } (wideFile: up to wideCount raw keys spread over the store, one per line)
// Prints { seconds, total, samples } as one JSON line.
import { writeFileSync } from "node:fs";
import { hashKey, redactKey } from "../../dist/auth/key-format.js";
import { encodeId } from "../../dist/http/ids.js";
// Keys in keyhouse's format from CSPRNG bytes drawn a megabyte at a time (one call per key cost more than hashing it).
import { generateRawKey, writeSamples } from "../refs/common.js";

const options = JSON.parse(process.argv[2]);
const secret = Buffer.from(options.secret, "utf8");
const count = options.count;
const BATCH = 10_000;
const sampleEvery = Math.max(1, Math.floor(count / 1000));
const wideCount = options.wideFile ? Math.min(count, options.wideCount ?? 100_000) : 0;
const wideEvery = Math.max(1, Math.floor(count / Math.max(1, wideCount)));
const wide = [];
const started = performance.now();

/**
 * Keys are older than the bootstrap key and two share each millisecond, so a
 * walk also crosses ties that only the id breaks.
 */
function makeBatch(from, to, newestAt) {
  const rows = [];
  const samples = [];
  for (let i = from; i < to; i++) {
    const raw = generateRawKey();
    const row = {
      name: `seed ${i}`,
      hash: hashKey(secret, raw),
      redacted: redactKey(raw),
      createdAt: newestAt - 1000 - Math.ceil(count / 2) + Math.floor(i / 2),
    };
    rows.push(row);
    if (i % sampleEvery === 0 && samples.length < 1000) samples.push({ raw, hash: row.hash });
    if (i % wideEvery === 0 && wide.length < wideCount) wide.push(raw);
  }
  return { rows, samples };
}

async function seedSqlite() {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(options.target);
  db.pragma("journal_mode = WAL");
  db.pragma("cache_size = -262144");
  const newestAt = db.prepare("select min(created_at) t from api_keys").get().t;
  const insert = db.prepare(
    `insert into api_keys (key_type, name, description, key_hash, redacted_key, principal_user_id, created_by_user_id, status, created_at)
     values ('user', ?, null, ?, ?, ?, ?, 'active', ?)`,
  );
  const insertAll = db.transaction((rows) => {
    for (const r of rows) insert.run(r.name, r.hash, r.redacted, options.userId, options.userId, r.createdAt);
  });
  const samples = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = makeBatch(i, Math.min(count, i + BATCH), newestAt);
    insertAll(batch.rows);
    if (samples.length < 1000) samples.push(...batch.samples);
  }
  db.exec("analyze");
  db.pragma("wal_checkpoint(TRUNCATE)");
  const find = db.prepare("select id from api_keys where key_hash = ?");
  const resolved = samples.slice(0, 1000).map((s) => ({ raw: s.raw, id: find.get(s.hash).id }));
  const total = db.prepare("select count(*) n from api_keys where created_by_user_id = ? and status = 'active'").get(options.userId).n;
  db.close();
  return { resolved, total };
}

async function seedPostgres() {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: options.target });
  await client.connect();
  const newestAt = Number((await client.query("select min(created_at) t from api_keys")).rows[0].t);
  // The seeding session only: commits without waiting for the WAL flush (the
  // benchmark reseeds after a crash). keyhouse's own sessions keep the default.
  await client.query("set synchronous_commit = off");
  const samples = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = makeBatch(i, Math.min(count, i + BATCH), newestAt);
    await client.query(
      `insert into api_keys (key_type, name, key_hash, redacted_key, principal_user_id, created_by_user_id, status, created_at)
       select 'user', n, h, r, $4, $4, 'active', c from unnest($1::text[], $2::bytea[], $3::text[], $5::bigint[]) as t(n, h, r, c)`,
      [
        batch.rows.map((r) => r.name),
        batch.rows.map((r) => r.hash),
        batch.rows.map((r) => r.redacted),
        options.userId,
        batch.rows.map((r) => r.createdAt),
      ],
    );
    if (samples.length < 1000) samples.push(...batch.samples);
  }
  await client.query("analyze api_keys");
  const picked = samples.slice(0, 1000);
  const { rows } = await client.query("select id, key_hash from api_keys where key_hash = any($1::bytea[])", [picked.map((s) => s.hash)]);
  const idByHash = new Map(rows.map((r) => [r.key_hash.toString("hex"), Number(r.id)]));
  const resolved = picked.map((s) => ({ raw: s.raw, id: idByHash.get(s.hash.toString("hex")) }));
  const total = Number(
    (await client.query("select count(*) n from api_keys where created_by_user_id = $1 and status = 'active'", [options.userId])).rows[0].n,
  );
  await client.end();
  return { resolved, total };
}

const { resolved, total } = options.store === "sqlite" ? await seedSqlite() : await seedPostgres();
writeSamples(
  options.sampleFile,
  resolved.map((s) => ({ key: s.raw, path: `/v2/api-keys/${encodeId("ApiKey", s.id)}` })),
);
if (options.wideFile) writeFileSync(options.wideFile, `${wide.join("\n")}\n`);
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, total, samples: resolved.length })}\n`);
