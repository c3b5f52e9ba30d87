// Prepares the peer's store: runs better-auth's own migrations, signs up one user
// (its session cookie drives the HTTP create benchmark), creates one key through
// better-auth, then clones that row into N keys with real random secrets hashed
// the way the plugin hashes them (SHA-256, base64url), so a key it verifies is a
// key it would have issued. Prints one JSON line.
//   node seed.js <db path> <base URL> <number of keys> <sample file>
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { getMigrations } from "better-auth/db/migration";
import { openPeer } from "./auth.js";

const [path, baseURL, countText, sampleFile] = process.argv.slice(2);
const count = Number(countText);
const { auth, database } = openPeer(path, baseURL);
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const signUp = await auth.api.signUpEmail({
  body: { email: "bench@example.test", password: "bench-password-123", name: "Bench" },
  returnHeaders: true,
});
const cookie = signUp.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
const userId = signUp.response.user.id;
const first = await auth.api.createApiKey({ body: { userId, name: "seed" } });
const template = database.prepare("select * from apikey where id = ?").get(first.id);

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
let pool = Buffer.alloc(0);
let used = 0;
function rawKey() {
  // The plugin's default: 64 letters, no prefix. Random bytes a megabyte at a time.
  if (used + 64 > pool.length) {
    pool = randomBytes(1 << 20);
    used = 0;
  }
  let out = "";
  for (let i = used; i < used + 64; i++) out += ALPHABET[pool[i] % 52];
  used += 64;
  return out;
}
const hash = (key) => createHash("sha256").update(key).digest("base64url");

const columns = Object.keys(template);
const insert = database.prepare(`insert into apikey (${columns.map((c) => `"${c}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`);
const samples = [];
const sampleEvery = Math.max(1, Math.floor(count / 1000));
database.pragma("cache_size = -262144");
const insertMany = database.transaction((from, to) => {
  for (let i = from; i < to; i++) {
    const key = rawKey();
    const row = { ...template, id: randomUUID(), key: hash(key), start: key.slice(0, 6), name: `seed ${i}` };
    insert.run(columns.map((c) => row[c]));
    if (i % sampleEvery === 0 && samples.length < 1000) samples.push({ key, id: row.id });
  }
});
for (let i = 1; i < count; i += 50_000) insertMany(i, Math.min(count, i + 50_000));
if (samples.length === 0) samples.push({ key: first.key, id: first.id });
database.pragma("wal_checkpoint(TRUNCATE)");
writeFileSync(sampleFile, samples.map((s) => `${s.key} ${s.id}`).join("\n") + "\n");
const total = database.prepare("select count(*) n from apikey where referenceId = ?").get(userId).n;
database.close();
process.stdout.write(`${JSON.stringify({ userId, cookie, total, synchronous: 2 })}\n`);
