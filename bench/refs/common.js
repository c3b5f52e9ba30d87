// What the reference servers share (key generation and sample files also serve
// bench/lib/seed-keyhouse.js): the response they send (shaped like a keyhouse
// ApiKey), bearer parsing, and key generation in keyhouse's own format.
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { generateRawKey as generate } from "../../dist/auth/key-format.js";

let pool = Buffer.alloc(0);
let used = 0;
function pooledRandom(size) {
  if (used + size > pool.length) {
    pool = randomBytes(1 << 20);
    used = 0;
  }
  used += size;
  return pool.subarray(used - size, used);
}

/** A key in keyhouse's format; random bytes are drawn a megabyte at a time. */
export function generateRawKey() {
  return generate(pooledRandom);
}

/** A record shaped like keyhouse's ApiKey wire object. */
export function keyRecord(n) {
  return {
    id: Buffer.from(`ApiKey:${n}:abcd`).toString("base64"),
    name: `key ${n}`,
    key_type: "user",
    status: "active",
    redacted_key: "ak-abc...xyz",
    created_at: "2026-01-15T10:30:00.000Z",
    created_by_user_id: "VXNlcjox",
  };
}

export function bearer(header) {
  return typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7) : undefined;
}

export function sha256(raw) {
  return createHash("sha256").update(raw).digest();
}

/** Writes up to 1000 sample keys, one `<raw key> <path>` per line, for the load generator. */
export function writeSamples(file, samples) {
  writeFileSync(file, samples.map((s) => `${s.key} ${s.path}`).join("\n") + "\n");
}
