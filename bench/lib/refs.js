// The reference rows: what the stack itself costs, with nothing of keyhouse in it.
import { join } from "node:path";
import { freePort, run, SERVER_CPU, startProcess, waitForHttp } from "./proc.js";
import { readSamples, requestsFor } from "./samples.js";
import { measure } from "./wrk.js";

const REFS = new URL("../refs/", import.meta.url).pathname;

async function serveAndMeasure(ctx, { name, script, args, requests, readyPath }) {
  const port = await freePort();
  const server = startProcess({
    command: process.execPath,
    args: [join(REFS, script), String(port), ...args],
    cpu: SERVER_CPU,
    logFile: join(ctx.dir, `${name}.log`),
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}${readyPath}`, 180_000, server.child);
    return await measure(
      { baseUrl: `http://127.0.0.1:${port}`, requests: requests(), connections: ctx.connections, dir: ctx.dir, name },
      ctx.timing,
    );
  } finally {
    await server.stop();
  }
}

/** Measures node:http, bare Fastify, Fastify+SHA-256+Map and Fastify+SHA-256+SQLite. */
export async function measureReferences(ctx, record) {
  const fixed = () => [{ path: "/v2/api-keys/QXBpS2V5OjE6YWJjZA==", headers: { authorization: "Bearer none" } }];
  await record("ref.node", () =>
    serveAndMeasure(ctx, { name: "ref-node-http", script: "node-http.js", args: [], requests: fixed, readyPath: "/" }),
  );
  await record("ref.fastify", () =>
    serveAndMeasure(ctx, { name: "ref-fastify", script: "fastify-bare.js", args: [], requests: fixed, readyPath: "/v2/api-keys/x" }),
  );

  const mapSamples = join(ctx.dir, "ref-map-samples.txt");
  await record("ref.map", async () => {
    // The server writes its sample file before it listens, so readiness comes first.
    const port = await freePort();
    const server = startProcess({
      command: process.execPath,
      args: [join(REFS, "fastify-map.js"), String(port), String(ctx.keys), mapSamples],
      cpu: SERVER_CPU,
      logFile: join(ctx.dir, "ref-map.log"),
    });
    try {
      // The route answers 401 without a key: answering at all means ready.
      await waitForHttp(`http://127.0.0.1:${port}/v2/api-keys/x`, 300_000, server.child, [401]);
      return await measure(
        {
          baseUrl: `http://127.0.0.1:${port}`,
          requests: requestsFor(readSamples(mapSamples)),
          connections: ctx.connections,
          dir: ctx.dir,
          name: "ref-map",
        },
        ctx.timing,
      );
    } finally {
      await server.stop();
    }
  });

  const dbFile = join(ctx.dir, "ref-sqlite.db");
  const sqliteSamples = join(ctx.dir, "ref-sqlite-samples.txt");
  await record("ref.sqlite", async () => {
    await run(process.execPath, [join(REFS, "fastify-sqlite.js"), "seed", dbFile, String(ctx.keys), sqliteSamples]);
    const port = await freePort();
    const server = startProcess({
      command: process.execPath,
      args: [join(REFS, "fastify-sqlite.js"), "serve", dbFile, String(port)],
      cpu: SERVER_CPU,
      logFile: join(ctx.dir, "ref-sqlite.log"),
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/v2/api-keys/x`, 60_000, server.child, [401]);
      return await measure(
        {
          baseUrl: `http://127.0.0.1:${port}`,
          requests: requestsFor(readSamples(sqliteSamples)),
          connections: ctx.connections,
          dir: ctx.dir,
          name: "ref-sqlite",
        },
        ctx.timing,
      );
    } finally {
      await server.stop();
    }
  });
}
