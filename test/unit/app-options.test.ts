import { describe, expect, it } from "vitest";
import { LAST_USED_FLUSH_MS } from "../../src/auth/last-used.js";
import { loadConfig } from "../../src/config/config.js";
import { EVENT_STREAM_DEFAULTS } from "../../src/features/verify/index.js";
import { DEFAULT_CONSOLE_DIR } from "../../src/http/console.js";
import { appOptionsFrom } from "../../src/server.js";
import { packageVersion } from "../../src/version.js";

describe("appOptionsFrom", () => {
  it("takes every app setting from the Config", () => {
    const config = loadConfig({
      KEYHOUSE_PUBLIC_URL: "https://keys.example.com",
      KEYHOUSE_TRUST_PROXY: "2",
      KEYHOUSE_BODY_LIMIT_BYTES: "2048",
      KEYHOUSE_AUTH_CACHE_SIZE: "7",
      KEYHOUSE_KEY_CACHE_SIZE: "0",
      KEYHOUSE_HEADERS_TIMEOUT_SECONDS: "3",
      KEYHOUSE_REQUEST_TIMEOUT_SECONDS: "4",
      KEYHOUSE_MAX_CONCURRENT_WORK: "5",
      KEYHOUSE_MAX_QUEUED_WORK: "6",
      KEYHOUSE_SMTP_URL: "smtp://mail.example.com:2525",
      KEYHOUSE_MAIL_FROM: "keys <keys@example.com>",
      KEYHOUSE_DIALECT: "2026-07",
    });
    const { now, random, ...settings } = appOptionsFrom(config);
    expect(settings).toEqual({
      trustProxy: 2,
      bodyLimitBytes: 2048,
      publicUrl: "https://keys.example.com",
      smtpUrl: "smtp://mail.example.com:2525",
      mailFrom: "keys <keys@example.com>",
      version: packageVersion(),
      consoleDir: DEFAULT_CONSOLE_DIR,
      authCacheSize: 7,
      keyCacheSize: 0,
      lastUsedFlushMs: LAST_USED_FLUSH_MS,
      headersTimeoutSeconds: 3,
      requestTimeoutSeconds: 4,
      maxConcurrentWork: 5,
      maxQueuedWork: 6,
      dialect: "2026-07",
      eventStream: EVENT_STREAM_DEFAULTS,
    });
    expect(Math.abs(now() - Date.now())).toBeLessThan(1_000);
    expect(random(16)).toHaveLength(16);
  });
});
