import pg from "pg";
import type { Invalidations } from "../invalidation.js";

const RECONNECT_MS = 500;

/**
 * Holds one connection that LISTENs for other processes' invalidations. While it
 * is down, `healthy` is false (caches are bypassed); every state change also
 * invalidates, so nothing missed while down survives the reconnect.
 */
export class PostgresListener {
  healthy = false;
  #client: pg.Client | undefined;
  #closed = false;
  #started = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: () => Promise<string>,
    private readonly invalidations: Invalidations,
  ) {}

  /** Connects on first use; later calls do nothing. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.config);
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.healthy = false;
      this.invalidations.emit();
      client.end().catch(() => undefined);
      if (!this.#closed) this.#timer = setTimeout(() => void this.#connect(), RECONNECT_MS);
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", () => this.invalidations.emit());
    try {
      await client.connect();
      this.#client = client;
      await client.query(`LISTEN ${await this.channel()}`);
      if (this.#closed) return void (await client.end());
      this.healthy = true;
      this.invalidations.emit();
    } catch {
      this.#client = client;
      lost();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.healthy = false;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
