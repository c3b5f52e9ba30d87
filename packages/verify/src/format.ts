import { crc32 } from "node:zlib";

// The shape of a keyhouse API key, checked before anything leaves the process:
// `ak-`, 42 random base62 characters, and a 6-character base62 CRC32 of them.
// The same test keyhouse runs first (src/auth/key-format.ts in its repository;
// test/packages/verify-format.test.ts keeps the two in agreement).

const PREFIX = "ak-";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 42;
const CHECKSUM_LENGTH = 6;
const KEY_LENGTH = PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const BODY = /^ak-[0-9A-Za-z]{48}$/;

/** True when `raw` has the key format and its checksum holds: a typo or garbage fails here, with no network call. */
export function isWellFormedKey(raw: string): boolean {
  if (raw.length !== KEY_LENGTH || !BODY.test(raw)) return false;
  let value = crc32(raw.slice(PREFIX.length, PREFIX.length + RANDOM_LENGTH));
  for (let i = KEY_LENGTH - 1; i >= KEY_LENGTH - CHECKSUM_LENGTH; i--) {
    if (raw.charAt(i) !== BASE62.charAt(value % 62)) return false;
    value = Math.floor(value / 62);
  }
  return true;
}
