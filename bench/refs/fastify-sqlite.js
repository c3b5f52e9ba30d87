// Fastify + SHA-256 + one indexed SQLite lookup (better-sqlite3, a prepared
// statement, WAL) over N keys: the cost of the lookup a key service cannot avoid.
//   node fastify-sqlite.js seed <db> <number of keys> <sample file>
//   node fastify-sqlite.js serve <db> <port>
import Database from "better-sqlite3";
import Fastify from "fastify";
import { bearer, generateRawKey, keyRecord, sha256, writeSamples } from "./common.js";

const [mode, path, arg, sampleFile] = process.argv.slice(2);
const db = new Database(path);
db.pragma("journal_mode = WAL");

if (mode === "seed") {
  const count = Number(arg);
  db.pragma("cache_size = -262144");
  db.exec(`create table if not exists keys (
    id integer primary key, key_hash blob not null unique, name text not null, key_type text not null,
    status text not null, redacted_key text not null, created_at text not null, created_by_user_id text not null)`);
  const insert = db.prepare(
    "insert into keys (id, key_hash, name, key_type, status, redacted_key, created_at, created_by_user_id) values (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const samples = [];
  const sampleEvery = Math.max(1, Math.floor(count / 1000));
  const batch = db.transaction((from, to) => {
    for (let n = from; n < to; n++) {
      const raw = generateRawKey();
      const r = keyRecord(n);
      insert.run(n, sha256(raw), r.name, r.key_type, r.status, r.redacted_key, r.created_at, r.created_by_user_id);
      if (n % sampleEvery === 0 && samples.length < 1000) samples.push({ key: raw, path: `/v2/api-keys/${r.id}` });
    }
  });
  for (let n = 1; n <= count; n += 50_000) batch(n, Math.min(count + 1, n + 50_000));
  db.pragma("wal_checkpoint(TRUNCATE)");
  writeSamples(sampleFile, samples);
  db.close();
} else {
  const find = db.prepare("select id, name, key_type, status, redacted_key, created_at, created_by_user_id from keys where key_hash = ?");
  const app = Fastify({ logger: false });
  app.get("/v2/api-keys/:id", async (request, reply) => {
    const raw = bearer(request.headers.authorization);
    const row = raw === undefined ? undefined : find.get(sha256(raw));
    if (!row) return reply.code(401).send({ title: "Unauthorized", status: 401 });
    return { ...row, id: Buffer.from(`ApiKey:${row.id}:abcd`).toString("base64") };
  });
  await app.listen({ host: "127.0.0.1", port: Number(arg) });
}
