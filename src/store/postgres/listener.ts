import pg from "pg";
import type { ChangeOrigin, Invalidations } from "../invalidation.js";

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
    /** This process's id in the NOTIFY payloads (`<sender> <epoch ms>`), whose own notifications are not measured. */
    private readonly sender: string,
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
    client.on("notification", (message) => this.invalidations.emit(this.#origin(message.payload)));
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

  /** Another process's change and when it was sent; undefined for this process's own (already measured) or an unreadable payload. */
  #origin(payload: string | undefined): ChangeOrigin | undefined {
    const [sender, sentAt] = (payload ?? "").split(" ");
    const committedAt = Number(sentAt);
    if (sender === this.sender || sentAt === undefined || !Number.isFinite(committedAt)) return undefined;
    return { source: "remote", committedAt };
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
