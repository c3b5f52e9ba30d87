// The peer under test: better-auth with its API key plugin over SQLite in WAL
// mode, configured as its documentation shows, with two changes a benchmark needs:
// the per-key rate limit (10 requests a day by default) and better-auth's own
// per-IP rate limit are turned off, or every request after the tenth would fail.
import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import Database from "better-sqlite3";

export const PEER_SECRET = "keyhouse-bench-peer-secret-0123456789abcdef";

/** Opens the peer's SQLite file (WAL, the driver's default synchronous=FULL) and its auth instance. */
export function openPeer(path, baseURL) {
  const database = new Database(path);
  database.pragma("journal_mode = WAL");
  const auth = betterAuth({
    database,
    baseURL,
    secret: PEER_SECRET,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [apiKey({ rateLimit: { enabled: false } })],
  });
  return { auth, database };
}
