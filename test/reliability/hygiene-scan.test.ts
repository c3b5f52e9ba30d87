import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateClaimToken, generateRawKey } from "../../src/auth/key-format.js";
import { scanForKeys } from "../support/global-setup.js";
import { withoutFirstKeyBanner } from "../support/cluster.js";

describe("the run-wide secret scan", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };

  it("finds a raw key whole, without its prefix, inside longer runs and between binary bytes", () => {
    const keys = [generateRawKey(), generateRawKey(), generateRawKey(), generateRawKey()] as const;
    const files = [
      file("log.txt", `{"msg":"x","url":"/v2/${keys[0]}"}`),
      file("dump.sql", `name\t${keys[1].slice(3, 45)}\n`),
      file("run.txt", `AAAA${keys[2]}BBBB`),
      file("db.bin", Buffer.concat([Buffer.from([0, 255, 7]), Buffer.from(keys[3], "latin1"), Buffer.from([0])])),
    ];
    const figures = scanForKeys(keys, files);
    expect(figures.hits.map((h) => h.file)).toEqual(files);
    expect(figures.keysIssued).toBe(4);
    expect(figures.bytesScanned).toBeGreaterThan(200);
  });

  it("finds a claim token (kc-) like a key: whole, in a link, or without its prefix", () => {
    const tokens = [generateClaimToken(), generateClaimToken(), generateClaimToken()] as const;
    const files = [
      file("claim-log.txt", `{"msg":"mail","text":"https://keys.example/#/claim/${tokens[0]}"}`),
      file("claim-dump.sql", `token\t${tokens[1].slice(3, 45)}\n`),
      file("claim-run.txt", `x${tokens[2]}y`),
    ];
    expect(scanForKeys(tokens, files).hits.map((h) => h.file)).toEqual(files);
  });

  it("does not count redacted keys, other keys or near misses", () => {
    const key = generateRawKey();
    const other = generateRawKey();
    const nearMiss = `${key.slice(3, 44)}${key.charAt(44) === "a" ? "b" : "a"}`;
    const files = [file("clean.txt", `ak-${key.slice(3, 6)}...${key.slice(-3)} ${other} ${nearMiss} ${key.slice(3, 44)}`)];
    expect(scanForKeys([key], files).hits).toEqual([]);
  });

  it("keeps a serve log but the banner that shows the first key", () => {
    const key = generateRawKey();
    const log = `{"level":30}\n\nkeyhouse initialized a new store. The admin's first API key (shown only this once):\n\n    ${key}\n\nAdmin user id: X\nStore it now: keyhouse keeps only a hash of it.\n{"level":30,"msg":"keyhouse listening"}\n`;
    const kept = withoutFirstKeyBanner(log);
    expect(kept).not.toContain(key);
    expect(kept).toContain("keyhouse listening");
  });
});
