// Fastify + SHA-256 + an in-memory Map over N keys: the cost of hashing a bearer
// key and finding it, with no store at all.
//   node fastify-map.js <port> <number of keys> <sample file>
import Fastify from "fastify";
import { bearer, generateRawKey, keyRecord, sha256, writeSamples } from "./common.js";

const [portText, countText, sampleFile] = process.argv.slice(2);
const count = Number(countText);
const keys = new Map();
const samples = [];
const sampleEvery = Math.max(1, Math.floor(count / 1000));
for (let n = 1; n <= count; n++) {
  const raw = generateRawKey();
  keys.set(sha256(raw).toString("base64"), keyRecord(n));
  if (n % sampleEvery === 0 && samples.length < 1000) samples.push({ key: raw, path: `/v2/api-keys/${keyRecord(n).id}` });
}
writeSamples(sampleFile, samples);

const app = Fastify({ logger: false });
app.get("/v2/api-keys/:id", async (request, reply) => {
  const raw = bearer(request.headers.authorization);
  const record = raw === undefined ? undefined : keys.get(sha256(raw).toString("base64"));
  if (!record) return reply.code(401).send({ title: "Unauthorized", status: 401 });
  return record;
});
await app.listen({ host: "127.0.0.1", port: Number(portText) });
