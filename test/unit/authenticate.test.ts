import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { Authenticator, bearerToken, type CachedAuth } from "../../src/auth/authenticate.js";
import { StoreCache } from "../../src/store/cache.js";
import { LastUsedTracker } from "../../src/auth/last-used.js";
import { MemoryFailureThrottle, throttleGroup } from "../../src/auth/throttle.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";

const dir = mkdtempSync(join(tmpdir(), "keyhouse-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Authenticator", () => {
  it("turns away a key with a bad checksum without touching the store", async () => {
    // A closed store throws on any query: only a lookup-free path can answer.
    const store = openSqliteStore(join(dir, "closed.db"));
    await store.migrate();
    await store.close();
    const tracker = new LastUsedTracker(
      async () => undefined,
      () => undefined,
    );
    const cache = new StoreCache<string, CachedAuth>(store.invalidation, 0, 60_000);
    const auth = new Authenticator(
      store,
      Buffer.from("s".repeat(32)),
      Date.now,
      new MemoryFailureThrottle(100, 60, Date.now),
      tracker,
      cache,
    );
    const good = generateRawKey();
    const typo = good.slice(0, 20) + (good[20] === "x" ? "y" : "x") + good.slice(21);
    await expect(auth.authenticate(`Bearer ${typo}`, "127.0.0.1")).resolves.toEqual({ ok: false, reason: "unauthenticated" });
    await expect(auth.authenticate(`Bearer ${good}`, "127.0.0.1")).rejects.toThrow();
    await tracker.close();
  });

  it("parses only the Bearer scheme with one token", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc")).toBe("abc");
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(`Bearer ${"a".repeat(600)}`)).toBeUndefined();
  });
});

describe("MemoryFailureThrottle", () => {
  it("refuses failures past the budget until the window ends, per group", async () => {
    let now = 1_000_000;
    const throttle = new MemoryFailureThrottle(3, 60, () => now);
    for (let i = 0; i < 3; i++) expect(await throttle.recordFailure("a")).toEqual({ blocked: false });
    expect(await throttle.recordFailure("a")).toEqual({ blocked: true, retryAfterSeconds: 60 });
    expect(await throttle.recordFailure("b")).toEqual({ blocked: false });
    now += 59_500;
    expect(await throttle.recordFailure("a")).toEqual({ blocked: true, retryAfterSeconds: 1 });
    now += 500;
    expect(await throttle.recordFailure("a")).toEqual({ blocked: false });
  });
});

describe("throttleGroup", () => {
  it("keeps an IPv4 address, and reads an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(throttleGroup("203.0.113.7")).toBe("203.0.113.7");
    expect(throttleGroup("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(throttleGroup("::FFFF:cb00:7107")).toBe("203.0.113.7");
  });

  it("groups IPv6 addresses by their /64, however they are written", () => {
    const inside = [
      "2001:db8:aa:1::1",
      "2001:db8:aa:1:ffff:ffff:ffff:fffe",
      "2001:0DB8:00aa:0001:1234:5678:9abc:def0",
      "2001:db8:aa:1:0:0:0:0",
      "2001:db8:aa:1::",
      "2001:db8:aa:1::9%eth0",
      "2001:db8:aa:1::1.2.3.4",
    ];
    for (const address of inside) expect(throttleGroup(address), address).toBe("2001:db8:aa:1::/64");
    expect(throttleGroup("2001:db8:aa:2::1")).toBe("2001:db8:aa:2::/64");
    expect(throttleGroup("::1")).toBe("0:0:0:0::/64");
    expect(throttleGroup("fe80::1")).toBe("fe80:0:0:0::/64");
    // Not an IP address at all (cannot happen from a socket): kept as it is.
    expect(throttleGroup("unknown")).toBe("unknown");
  });
});
