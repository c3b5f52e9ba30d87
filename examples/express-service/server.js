// A notes service protected by keyhouse keys (examples/README.md).
//   KEYHOUSE_URL=http://127.0.0.1:8080 KEYHOUSE_VERIFY_KEY=ak-... npm start
import express from "express";
import { createVerifier } from "@keyhouse/verify";
import { keyhouse } from "@keyhouse/verify/express";

const verifier = createVerifier({ url: process.env.KEYHOUSE_URL ?? "http://127.0.0.1:8080", key: process.env.KEYHOUSE_VERIFY_KEY });
const notes = new Map(); // project id -> notes
const project = (req) => ({ type: "PROJECT", id: req.params.projectId });
const onError = (error) => console.error(error);

const app = express();
app.use(express.json());
app.get("/health", (req, res) => res.json({ ok: true }));
app.get("/me", keyhouse({ verifier, onError }), (req, res) => res.json({ subject: req.keyhouse.subject, key: req.keyhouse.key }));
app.get("/projects/:projectId/notes", keyhouse({ verifier, onError, permissions: ["PROJECT_READ"], resource: project }), (req, res) =>
  res.json({ notes: notes.get(req.params.projectId) ?? [] }),
);
app.post("/projects/:projectId/notes", keyhouse({ verifier, onError, permissions: ["PROJECT_UPDATE"], resource: project }), (req, res) => {
  const note = { text: String(req.body?.text ?? ""), by: req.keyhouse.subject.name };
  notes.set(req.params.projectId, [...(notes.get(req.params.projectId) ?? []), note]);
  res.status(201).json(note);
});

await verifier.ready();
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => void verifier.close()));
