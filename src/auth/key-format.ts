import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

/** The raw key prefix; every keyhouse key starts with it. */
const KEY_PREFIX = "ak-";
/**
 * The prefix of a claim link's token (docs/invitations.md): same body shape as
 * a key, so secret scanners can validate a hit, but never mistaken for a key.
 */
const CLAIM_PREFIX = "kc-";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 42 base62 characters carry 42 * log2(62) ≈ 250 bits of entropy. */
const RANDOM_LENGTH = 42;
/** CRC32 needs 6 base62 characters (62^6 > 2^32). */
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;
const BODY_PATTERN = /^[0-9A-Za-z]{48}$/;

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

/** A new token: prefix, 42 random characters, 6 checksum characters. */
function generateToken(prefix: string, random: RandomSource): string {
  const randomPart = randomBase62(RANDOM_LENGTH, random);
  return prefix + randomPart + checksumOf(randomPart);
}

/** True when `raw` is `prefix` and a 48-character body whose checksum holds. */
function isWellFormedToken(prefix: string, raw: string): boolean {
  if (raw.length !== prefix.length + BODY_LENGTH || !raw.startsWith(prefix)) return false;
  const body = raw.slice(prefix.length);
  if (!BODY_PATTERN.test(body)) return false;
  return checksumOf(body.slice(0, RANDOM_LENGTH)) === body.slice(RANDOM_LENGTH);
}

/** Generates a new raw API key: prefix, 42 random characters, 6 checksum characters. */
export function generateRawKey(random: RandomSource = randomBytes): string {
  return generateToken(KEY_PREFIX, random);
}

/**
 * True when the string has the key format and a valid checksum. This runs before
 * any store lookup, so a mistyped or truncated key costs no database work.
 */
export function isWellFormedKey(raw: string): boolean {
  return isWellFormedToken(KEY_PREFIX, raw);
}

/** Generates a claim link's token (`kc-` and a key-shaped body). */
export function generateClaimToken(random: RandomSource = randomBytes): string {
  return generateToken(CLAIM_PREFIX, random);
}

/** True when the string has the claim token format and a valid checksum (checked before any lookup). */
export function isWellFormedClaimToken(raw: string): boolean {
  return isWellFormedToken(CLAIM_PREFIX, raw);
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
