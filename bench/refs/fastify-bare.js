// The limit keyhouse is measured against: a bare Fastify route (no logger, no
// hooks) answering a fixed object shaped like a keyhouse ApiKey.
//   node fastify-bare.js <port>
import Fastify from "fastify";
import { keyRecord } from "./common.js";

const app = Fastify({ logger: false });
const record = keyRecord(1);
app.get("/v2/api-keys/:id", async () => record);
app.get("/v2/api-keys", async () => ({ api_keys: [record], pagination: { has_more: false } }));
await app.listen({ host: "127.0.0.1", port: Number(process.argv[2]) });
