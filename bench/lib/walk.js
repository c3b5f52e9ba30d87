// Walks every page of GET /v2/api-keys with one keep-alive connection, as a
// client exporting all its keys would, and checks the walk: every key exactly
// once. Remembers the cursor found at `depth` keys, for the deep-page figure.
// Gives up after `deadlineSeconds`, reporting how far it got: a walk whose pages
// get slower with depth would otherwise never end.
//   node walk.js <json options>   { baseUrl, key, limit, depth, deadlineSeconds }
// Prints { seconds, keys, unique, pages, cursorAtDepth, finished, lastPageMs } as one JSON line.
import { Agent, request } from "node:http";

const { baseUrl, key, limit, depth, deadlineSeconds } = JSON.parse(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(path) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const seen = new Set();
let keys = 0;
let pages = 0;
let cursor;
let cursorAtDepth;
let finished = false;
let lastPageMs = 0;
const started = performance.now();
const deadline = started + deadlineSeconds * 1000;
while (performance.now() < deadline) {
  const pageStarted = performance.now();
  const page = await get(`/v2/api-keys?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  lastPageMs = performance.now() - pageStarted;
  pages += 1;
  for (const k of page.api_keys) seen.add(k.id);
  keys += page.api_keys.length;
  if (!page.pagination.has_more) {
    finished = true;
    break;
  }
  cursor = page.pagination.next_cursor;
  if (keys === depth) cursorAtDepth = cursor;
}
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ seconds, keys, unique: seen.size, pages, cursorAtDepth, finished, lastPageMs })}\n`);
