import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

/** The raw key prefix; every keyhouse key starts with it. */
const KEY_PREFIX = "ak-";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 42 base62 characters carry 42 * log2(62) ≈ 250 bits of entropy. */
const RANDOM_LENGTH = 42;
/** CRC32 needs 6 base62 characters (62^6 > 2^32). */
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;
const RAW_KEY_PATTERN = /^ak-[0-9A-Za-z]{48}$/;

export type RandomSource = (size: number) => Buffer;

/** Encodes a 32-bit checksum as exactly six base62 characters. */
export function checksumOf(randomPart: string): string {
  let value = crc32(randomPart);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62.charAt(value % 62) + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Draws `length` uniform base62 characters; rejection sampling avoids modulo bias. */
function randomBase62(length: number, random: RandomSource): string {
  let out = "";
  while (out.length < length) {
    const bytes = random(length * 2);
    for (const byte of bytes) {
      // 248 = 62 * 4: bytes at or above it would favour the first characters.
      if (byte < 248 && out.length < length) out += BASE62.charAt(byte % 62);
    }
  }
  return out;
}

/** Generates a new raw API key: prefix, 42 random characters, 6 checksum characters. */
export function generateRawKey(random: RandomSource = randomBytes): string {
  const randomPart = randomBase62(RANDOM_LENGTH, random);
  return KEY_PREFIX + randomPart + checksumOf(randomPart);
}

/**
 * True when the string has the key format and a valid checksum. This runs before
 * any store lookup, so a mistyped or truncated key costs no database work.
 */
export function isWellFormedKey(raw: string): boolean {
  if (raw.length !== KEY_PREFIX.length + BODY_LENGTH || !RAW_KEY_PATTERN.test(raw)) return false;
  const randomPart = raw.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_LENGTH);
  const checksum = raw.slice(KEY_PREFIX.length + RANDOM_LENGTH);
  return checksumOf(randomPart) === checksum;
}

/** The display form stored and returned for a key: `ak-abc...xyz`. */
export function redactKey(raw: string): string {
  const body = raw.slice(KEY_PREFIX.length);
  return `${KEY_PREFIX}${body.slice(0, 3)}...${body.slice(-3)}`;
}

/** The keyed hash stored at rest: HMAC-SHA-256 with the server secret. */
export function hashKey(secret: Buffer, raw: string): Buffer {
  return createHmac("sha256", secret).update(raw).digest();
}

/** Constant-time equality of two key hashes. */
export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
