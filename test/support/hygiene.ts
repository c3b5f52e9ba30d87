import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * The recording half of the run-wide secret scan (test/support/global-setup.ts
 * is the scanning half). Every raw key a test is given by the server, every
 * other response body, and every server's log and store bytes are kept in a
 * per-run folder; at the end of the run every key is searched for in all of it.
 * Outside such a run (no KEYHOUSE_HYGIENE_DIR) nothing is recorded.
 */

const RAW_KEY = /^ak-[0-9A-Za-z]{48}$/;
/** A claim link's token (docs/invitations.md): scanned for exactly like a key. */
const CLAIM_TOKEN = /kc-[0-9A-Za-z]{48}/;

/** The run's folder, set by the global setup; undefined when nothing is recorded. */
export function hygieneDir(): string | undefined {
  return process.env.KEYHOUSE_HYGIENE_DIR || undefined;
}

function folder(part: "keys" | "responses" | "artifacts" | "figures"): string | undefined {
  const dir = hygieneDir();
  if (dir === undefined) return undefined;
  const path = join(dir, part);
  mkdirSync(path, { recursive: true });
  return path;
}

/** Records a raw key or a claim token handed out during the run; the final scan must find it nowhere. */
export function recordIssuedKey(key: string): void {
  const dir = folder("keys");
  const shaped = RAW_KEY.test(key) || new RegExp(`^${CLAIM_TOKEN.source}$`).test(key);
  if (dir !== undefined && shaped) appendFileSync(join(dir, `${process.pid}.txt`), `${key}\n`);
}

/** The claim token in a text (a claim link, a mail), recorded as issued; undefined when there is none. */
export function recordClaimToken(text: string): string | undefined {
  const token = CLAIM_TOKEN.exec(text)?.[0];
  if (token !== undefined) recordIssuedKey(token);
  return token;
}

/**
 * Records one response. A response that issues a key (create, refresh, issue)
 * may show that one key once, in its `key` field, and one that issues a claim
 * link (POST /v2/users/{id}/claim-link) its token once, in its `url` field:
 * they are recorded as issued and the rest of the response is scanned like
 * every other.
 */
export function recordResponse(text: string, body: unknown): void {
  const dir = folder("responses");
  if (dir === undefined || text === "") return;
  let scanned = text;
  const fields = typeof body === "object" && body !== null ? (body as { key?: unknown; url?: unknown }) : {};
  const own = fields.key;
  if (typeof own === "string" && RAW_KEY.test(own)) {
    recordIssuedKey(own);
    scanned = text.replace(`"key":"${own}"`, '"key":"[its own key]"');
  }
  const token = typeof fields.url === "string" ? recordClaimToken(fields.url) : undefined;
  if (token !== undefined) scanned = scanned.replace(`${token}"`, '[its own claim token]"');
  appendFileSync(join(dir, `${process.pid}.txt`), `${scanned}\n`);
}

let artifacts = 0;

/** Keeps bytes (a log, a store dump) for the final scan under a recognisable name. */
export function keepArtifact(name: string, data: Buffer | string): void {
  const dir = folder("artifacts");
  if (dir === undefined) return;
  artifacts += 1;
  writeFileSync(join(dir, `${process.pid}-${artifacts}-${name}`), data);
}

/** Keeps copies of files that exist (SQLite database, WAL, logs) for the final scan. */
export function keepFiles(label: string, paths: readonly string[]): void {
  const dir = folder("artifacts");
  if (dir === undefined) return;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    artifacts += 1;
    copyFileSync(path, join(dir, `${process.pid}-${artifacts}-${label}-${basename(path)}`));
  }
}

/** Publishes a test's figures (cases tried, crashes injected, …); the global teardown prints them. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const text = `${JSON.stringify(figures, null, 2)}\n`;
  const dir = folder("figures");
  if (dir !== undefined) writeFileSync(join(dir, `${name}.json`), text);
  const latest = join(import.meta.dirname, "..", "..", "test-output", "reliability");
  mkdirSync(latest, { recursive: true });
  writeFileSync(join(latest, `${name}.json`), text);
}
