import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWellFormedKey as clientCheck } from "@keyhouse/verify";
import { generateRawKey, isWellFormedKey as serverCheck } from "../../src/auth/key-format.js";

/**
 * The client package carries its own copy of the key format check (it may not
 * depend on the server); the two must agree on every string, or the client
 * would refuse good keys or send garbage over the network.
 */
describe("@keyhouse/verify's format check", () => {
  it("agrees with keyhouse's on real keys and on every single-character change of them", () => {
    fc.assert(
      fc.property(fc.nat(50), fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_!é"), (at, char) => {
        const key = generateRawKey();
        expect(clientCheck(key)).toBe(true);
        const changed = key.slice(0, at) + char + key.slice(at + 1);
        expect(clientCheck(changed)).toBe(serverCheck(changed));
        expect(clientCheck(key.slice(0, at))).toBe(serverCheck(key.slice(0, at)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("agrees on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        expect(clientCheck(text)).toBe(serverCheck(text));
        expect(clientCheck(`ak-${text}`)).toBe(serverCheck(`ak-${text}`));
      }),
      { numRuns: 2_000 },
    );
  });
});
