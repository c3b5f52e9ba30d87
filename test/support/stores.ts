import pg from "pg";
import { describe } from "vitest";

export type StoreKind = "sqlite" | "postgres";

/** The PostgreSQL the tests use; CI provides this one. */
export const POSTGRES_URL = process.env.KEYHOUSE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL not reachable at ${POSTGRES_URL}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresProblem = await probePostgres();
if (postgresProblem !== undefined) {
  if (process.env.CI) throw new Error(`${postgresProblem} (CI must run the PostgreSQL tests)`);
  console.warn(`[keyhouse tests] PostgreSQL tests skipped: ${postgresProblem}`);
}

/** Runs the same suite against every store; PostgreSQL says why when it is skipped. */
export function forEachStore(suite: (store: StoreKind) => void): void {
  describe("on sqlite", () => suite("sqlite"));
  const name = postgresProblem === undefined ? "on postgres" : `on postgres (skipped: ${postgresProblem})`;
  describe.skipIf(postgresProblem !== undefined)(name, () => suite("postgres"));
}
