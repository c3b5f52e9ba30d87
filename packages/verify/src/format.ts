// The shape of a keyhouse API key, checked before anything leaves the process:
// `ak-`, 42 random base62 characters, and a 6-character base62 CRC32 of them.
// The same test keyhouse runs first (src/auth/key-format.ts in its repository;
// test/packages/verify-format.test.ts keeps the two in agreement).

const PREFIX = "ak-";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 42;
const CHECKSUM_LENGTH = 6;
const KEY_LENGTH = PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;

/** The CRC-32 (IEEE) table, as zlib's crc32 uses: computed in JS to hash 42 ASCII characters without a Buffer. */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of the ASCII characters from..to of `text`. */
function crc32(text: string, from: number, to: number): number {
  let crc = -1;
  for (let i = from; i < to; i++) crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** True for 0-9, A-Z, a-z. */
function isBase62(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** True when `raw` has the key format and its checksum holds: a typo or garbage fails here, with no network call. */
export function isWellFormedKey(raw: string): boolean {
  if (raw.length !== KEY_LENGTH || !raw.startsWith(PREFIX)) return false;
  for (let i = PREFIX.length; i < KEY_LENGTH; i++) if (!isBase62(raw.charCodeAt(i))) return false;
  let value = crc32(raw, PREFIX.length, PREFIX.length + RANDOM_LENGTH);
  for (let i = KEY_LENGTH - 1; i >= KEY_LENGTH - CHECKSUM_LENGTH; i--) {
    if (raw.charAt(i) !== BASE62.charAt(value % 62)) return false;
    value = Math.floor(value / 62);
  }
  return true;
}
