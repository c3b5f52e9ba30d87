// A notes service protected by keyhouse keys (examples/README.md).
//   KEYHOUSE_URL=http://127.0.0.1:8080 KEYHOUSE_VERIFY_KEY=ak-... npm start
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createVerifier } from "@keyhouse/verify";
import { keyhouse } from "@keyhouse/verify/hono";

const verifier = createVerifier({ url: process.env.KEYHOUSE_URL ?? "http://127.0.0.1:8080", key: process.env.KEYHOUSE_VERIFY_KEY });
const notes = new Map(); // project id -> notes
const project = (c) => ({ type: "PROJECT", id: c.req.param("projectId") });
const onError = (error) => console.error(error);

const app = new Hono();
app.get("/health", (c) => c.json({ ok: true }));
app.get("/me", keyhouse({ verifier, onError }), (c) => c.json({ subject: c.get("keyhouse").subject, key: c.get("keyhouse").key }));
app.get("/projects/:projectId/notes", keyhouse({ verifier, onError, permissions: ["PROJECT_READ"], resource: project }), (c) =>
  c.json({ notes: notes.get(c.req.param("projectId")) ?? [] }),
);
app.post("/projects/:projectId/notes", keyhouse({ verifier, onError, permissions: ["PROJECT_UPDATE"], resource: project }), async (c) => {
  const body = await c.req.json().catch(() => ({}));
  const note = { text: String(body.text ?? ""), by: c.get("keyhouse").subject.name };
  notes.set(c.req.param("projectId"), [...(notes.get(c.req.param("projectId")) ?? []), note]);
  return c.json(note, 201);
});

await verifier.ready();
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT ?? 3000) }, (info) =>
  console.log(`listening on http://127.0.0.1:${info.port}`),
);
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => void verifier.close()));
