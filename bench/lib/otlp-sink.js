// An OTLP/HTTP receiver for the tracing row: takes every POST (the exporter's
// JSON batches), reads it whole, counts its bytes and answers 200 as a
// collector does. Prints its port as one JSON line, then its totals on SIGTERM.
import { createServer } from "node:http";

let batches = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on("data", (chunk) => (bytes += chunk.length));
  req.on("end", () => {
    batches += 1;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => {
  process.stdout.write(`${JSON.stringify({ batches, bytes })}\n`);
  server.close(() => process.exit(0));
});
