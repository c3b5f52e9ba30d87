import type { RandomSource } from "./key-format.js";
import type { CursorCodec } from "../http/cursor.js";
import type { StoreCache } from "../store/cache.js";
import type { ApiKeyRecord } from "../store/queries/api-keys.js";
import type { Store } from "../store/store.js";
import type { FailureThrottle } from "./throttle.js";

/** One plain-text message to one person. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail (nodemailer over SMTP in production, docs/invitations.md); rejects when the server refuses. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** What the features need from the outside world, passed in by buildApp. */
export interface FeatureDeps {
  store: Store;
  now: () => number;
  random: RandomSource;
  secret: Buffer;
  cursors: CursorCodec;
  /** Key records by id for reads (GET /v2/api-keys/{id}); emptied by every write that changes a key. */
  keyCache: StoreCache<number, ApiKeyRecord>;
  /** The failure throttle of authentication; claim links count their failures against it too. */
  throttle: FailureThrottle;
  /** The URL people open: the base of claim links. */
  publicUrl: string;
  /** Undefined when no SMTP server is configured: links are handed out by account admins. */
  mailer: Mailer | undefined;
}
