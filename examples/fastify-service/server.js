// A notes service protected by keyhouse keys (examples/README.md).
//   KEYHOUSE_URL=http://127.0.0.1:8080 KEYHOUSE_VERIFY_KEY=ak-... npm start
import Fastify from "fastify";
import { createVerifier } from "@keyhouse/verify";
import { keyhouse } from "@keyhouse/verify/fastify";

const verifier = createVerifier({ url: process.env.KEYHOUSE_URL ?? "http://127.0.0.1:8080", key: process.env.KEYHOUSE_VERIFY_KEY });
const notes = new Map(); // project id -> notes

const app = Fastify({ logger: true });
app.get("/health", async () => ({ ok: true }));
await app.register(async (api) => {
  await api.register(keyhouse, { verifier, onError: (error) => api.log.error(error) });
  const project = (req) => ({ type: "PROJECT", id: req.params.projectId });

  api.get("/me", async (req) => ({ subject: req.keyhouse.subject, key: req.keyhouse.key }));
  api.get("/projects/:projectId/notes", { config: { keyhouse: { permissions: ["PROJECT_READ"], resource: project } } }, async (req) => ({
    notes: notes.get(req.params.projectId) ?? [],
  }));
  api.post(
    "/projects/:projectId/notes",
    { config: { keyhouse: { permissions: ["PROJECT_UPDATE"], resource: project } } },
    async (req, reply) => {
      const note = { text: String(req.body?.text ?? ""), by: req.keyhouse.subject.name };
      notes.set(req.params.projectId, [...(notes.get(req.params.projectId) ?? []), note]);
      return reply.code(201).send(note);
    },
  );
});

await verifier.ready();
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT ?? 3000) });
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => void app.close().then(() => verifier.close()));
