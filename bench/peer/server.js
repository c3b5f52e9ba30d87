// The peer's HTTP server: Fastify (the same version as keyhouse) with two routes.
//   GET /verify  Authorization: Bearer <key>  -> auth.api.verifyApiKey, 200 or 401
//   /api/auth/*  better-auth's own handler (create, list, sessions), mounted as its
//                Fastify integration guide shows.
//   node server.js <db path> <port>
import Fastify from "fastify";
import { fromNodeHeaders } from "better-auth/node";
import { openPeer } from "./auth.js";

const [path, portText] = process.argv.slice(2);
const port = Number(portText);
const baseURL = `http://127.0.0.1:${port}`;
const { auth } = openPeer(path, baseURL);
const app = Fastify({ logger: false });

app.get("/verify", async (request, reply) => {
  const header = request.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : "";
  const result = await auth.api.verifyApiKey({ body: { key } });
  if (!result.valid || !result.key) return reply.code(401).send({ error: "invalid key" });
  const { id, name, start, referenceId, createdAt, expiresAt, enabled } = result.key;
  return { id, name, start, referenceId, createdAt, expiresAt, enabled };
});

app.route({
  method: ["GET", "POST"],
  url: "/api/auth/*",
  async handler(request, reply) {
    const url = new URL(request.url, baseURL);
    const headers = fromNodeHeaders(request.headers);
    const req = new Request(url.toString(), {
      method: request.method,
      headers,
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
    const response = await auth.handler(req);
    reply.status(response.status);
    response.headers.forEach((value, key) => reply.header(key, value));
    return reply.send(response.body ? await response.text() : null);
  },
});

await app.listen({ host: "127.0.0.1", port });
process.stdout.write(`listening ${baseURL}\n`);
