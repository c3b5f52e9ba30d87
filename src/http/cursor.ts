import { createHmac, timingSafeEqual } from "node:crypto";

/** What a cursor carries: the time and id of the last row shown (the store's keyset position). */
export interface CursorPosition {
  createdAt: number;
  id: number;
}

export type CursorFilters = Record<string, string | number | boolean | undefined>;

const SIGNATURE_BYTES = 16;
const MAX_CURSOR_LENGTH = 512;

/**
 * Signs and verifies list cursors. A cursor carries only a position; the filters
 * it was issued for go into the MAC, so reusing it with other filters fails
 * verification exactly like a forged one does.
 */
export class CursorCodec {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    this.#key = createHmac("sha256", secret).update("keyhouse cursor v1").digest();
  }

  encode(position: CursorPosition, filters: CursorFilters): string {
    const payload = Buffer.from(`${position.createdAt}.${position.id}`, "utf8").toString("base64url");
    return `${payload}.${this.#sign(payload, filters).toString("base64url")}`;
  }

  /** Returns the position, or undefined when the cursor is forged, corrupted or bound to other filters. */
  decode(cursor: string, filters: CursorFilters): CursorPosition | undefined {
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) return undefined;
    const dot = cursor.indexOf(".");
    if (dot <= 0) return undefined;
    const payload = cursor.slice(0, dot);
    const payloadBytes = strictBase64url(payload);
    const signature = strictBase64url(cursor.slice(dot + 1));
    if (payloadBytes === undefined || signature?.length !== SIGNATURE_BYTES) return undefined;
    if (!timingSafeEqual(signature, this.#sign(payload, filters))) return undefined;
    const match = /^(\d{1,16})\.(\d{1,16})$/.exec(payloadBytes.toString("utf8"));
    if (!match) return undefined;
    const createdAt = Number(match[1]);
    const id = Number(match[2]);
    if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(id)) return undefined;
    return { createdAt, id };
  }

  #sign(payload: string, filters: CursorFilters): Buffer {
    return createHmac("sha256", this.#key)
      .update(payload)
      .update("\n")
      .update(canonicalFilters(filters))
      .digest()
      .subarray(0, SIGNATURE_BYTES);
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The bytes of `text` when it is exactly the canonical unpadded base64url form
 * of them, else undefined. Node's decoder skips characters outside the alphabet
 * and ignores the unused low bits of the last character, so several strings
 * decode to the same bytes; only the one string that encoding produces is
 * accepted, which makes any appended, inserted or changed character a refusal.
 */
function strictBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

/** A stable text form of the filters: sorted keys, unset values dropped. */
function canonicalFilters(filters: CursorFilters): string {
  const entries = Object.keys(filters)
    .sort()
    .filter((key) => filters[key] !== undefined)
    .map((key) => [key, filters[key]]);
  return JSON.stringify(entries);
}

/** The `pagination` object of a list response: `next_cursor` only when more follow. */
export function paginationOf(page: { nextCursor: string | undefined }): { has_more: boolean; next_cursor?: string } {
  return page.nextCursor === undefined ? { has_more: false } : { has_more: true, next_cursor: page.nextCursor };
}
