import { describe, expect, it } from "vitest";
import {
  checksumOf,
  generateClaimToken,
  generateRawKey,
  hashKey,
  hashesEqual,
  isWellFormedClaimToken,
  isWellFormedKey,
  redactKey,
} from "../../src/auth/key-format.js";

describe("key format", () => {
  it("generates ak- plus 48 base62 characters", () => {
    for (let i = 0; i < 200; i++) expect(generateRawKey()).toMatch(/^ak-[0-9A-Za-z]{48}$/);
  });

  it("ends in a CRC32 checksum of the random part that validates", () => {
    const key = generateRawKey();
    expect(key.slice(-6)).toBe(checksumOf(key.slice(3, 45)));
    expect(isWellFormedKey(key)).toBe(true);
  });

  it("rejects a key with one character changed, truncated, extended or mis-prefixed", () => {
    const key = generateRawKey();
    const flipped = key.slice(0, 10) + (key[10] === "a" ? "b" : "a") + key.slice(11);
    expect(isWellFormedKey(flipped)).toBe(false);
    expect(isWellFormedKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedKey(`${key}x`)).toBe(false);
    expect(isWellFormedKey(`ax-${key.slice(3)}`)).toBe(false);
    expect(isWellFormedKey("")).toBe(false);
  });

  it("catches nearly every random 48-character string by checksum", () => {
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const key = generateRawKey();
      const forged = key.slice(0, 45) + generateRawKey().slice(45);
      if (forged !== key && isWellFormedKey(forged)) accepted += 1;
    }
    expect(accepted).toBe(0);
  });

  it("draws characters without bias toward the start of the alphabet", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      for (const ch of generateRawKey().slice(3, 45)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const values = [...counts.values()];
    // 84,000 draws over 62 symbols: about 1355 each; a modulo bias would push the first 8 near 1700.
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(1.25);
  });

  it("redacts to ak- + first 3 + ... + last 3 of the body", () => {
    const key = "ak-abcDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghixyz";
    expect(redactKey(key)).toBe("ak-abc...xyz");
  });

  it("hashes with the secret: other secret, other hash; equality is exact", () => {
    const key = generateRawKey();
    const a = hashKey(Buffer.from("a".repeat(32)), key);
    const b = hashKey(Buffer.from("b".repeat(32)), key);
    expect(a.length).toBe(32);
    expect(hashesEqual(a, b)).toBe(false);
    expect(hashesEqual(a, Buffer.from(a))).toBe(true);
    expect(hashesEqual(a, a.subarray(0, 16))).toBe(false);
  });

  it("makes claim tokens kc- plus a key-shaped body, never taken for a key (nor a key for a token)", () => {
    const token = generateClaimToken();
    expect(token).toMatch(/^kc-[0-9A-Za-z]{48}$/);
    expect(isWellFormedClaimToken(token)).toBe(true);
    expect(isWellFormedKey(token)).toBe(false);
    expect(isWellFormedKey(`ak-${token.slice(3)}`)).toBe(true);
    expect(isWellFormedClaimToken(generateRawKey())).toBe(false);
    expect(isWellFormedClaimToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedClaimToken(`${token.slice(0, 10)}${token[10] === "a" ? "b" : "a"}${token.slice(11)}`)).toBe(false);
  });
});
