// A downstream service protected by @keyhouse/verify's Fastify middleware: the
// route the "Fastify + SHA-256 + Map" reference serves, behind the middleware,
// its cache warmed with every key of the keys file (each verified once through
// keyhouse) before it listens. The invalidation stream stays connected.
//   node fastify-verify.js <port> <keyhouse url> <verifying key> <keys file>
import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { createVerifier } from "@keyhouse/verify";
import { keyhouse } from "@keyhouse/verify/fastify";

const [portText, keyhouseUrl, verifyingKey, keysFile] = process.argv.slice(2);
const keys = readFileSync(keysFile, "utf8").split("\n").filter(Boolean);
// Warm means warm for the whole measurement: a TTL longer than the runs, and room for every key.
const verifier = createVerifier({
  url: keyhouseUrl,
  key: verifyingKey,
  ttlMs: 3_600_000,
  maxEntries: keys.length + 1_000,
  timeoutMs: 30_000,
});
await verifier.ready();

const started = performance.now();
let next = 0;
async function worker() {
  while (next < keys.length) {
    const answer = await verifier.verify(keys[next++]);
    if (!answer.valid) throw new Error(`a seeded key did not verify: ${answer.code}`);
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
const { entries } = verifier.stats();
if (entries !== keys.length) throw new Error(`the cache holds ${entries} answers for ${keys.length} keys`);
process.stderr.write(`warmed ${keys.length} keys in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

const app = Fastify({ logger: false });
await app.register(keyhouse, { verifier });
app.get("/v2/api-keys/:id", async (request) => {
  const { key, subject } = request.keyhouse;
  return {
    id: key.id,
    name: key.name,
    key_type: key.key_type,
    status: "active",
    redacted_key: "ak-abc...xyz",
    created_at: "2026-01-15T10:30:00.000Z",
    created_by_user_id: subject.id,
  };
});
await app.listen({ host: "127.0.0.1", port: Number(portText) });
