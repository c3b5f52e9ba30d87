import type { RandomSource } from "./key-format.js";
import type { CursorCodec } from "../http/cursor.js";
import type { StoreCache } from "../store/cache.js";
import type { ApiKeyRecord } from "../store/queries/api-keys.js";
import type { Store } from "../store/store.js";

/** What the features need from the outside world, passed in by buildApp. */
export interface FeatureDeps {
  store: Store;
  now: () => number;
  random: RandomSource;
  secret: Buffer;
  cursors: CursorCodec;
  /** Key records by id for reads (GET /v2/api-keys/{id}); emptied by every write that changes a key. */
  keyCache: StoreCache<number, ApiKeyRecord>;
}
