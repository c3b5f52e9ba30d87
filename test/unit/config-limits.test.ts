import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

/** The problems a configuration is refused with, as `VARIABLE: message` lines. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("configuration of the limits that protect the process", () => {
  it("has defaults and reads each variable", () => {
    const defaults = loadConfig({});
    expect([defaults.headersTimeoutSeconds, defaults.requestTimeoutSeconds, defaults.maxConcurrentWork, defaults.maxQueuedWork]).toEqual([
      10, 30, 32, 512,
    ]);
    const set = loadConfig({
      KEYHOUSE_HEADERS_TIMEOUT_SECONDS: "2",
      KEYHOUSE_REQUEST_TIMEOUT_SECONDS: "5",
      KEYHOUSE_MAX_CONCURRENT_WORK: "1",
      KEYHOUSE_MAX_QUEUED_WORK: "0",
    });
    expect([set.headersTimeoutSeconds, set.requestTimeoutSeconds, set.maxConcurrentWork, set.maxQueuedWork]).toEqual([2, 5, 1, 0]);
  });

  it("refuses a headers timeout longer than the request timeout, naming the variable", () => {
    expect(() => loadConfig({ KEYHOUSE_HEADERS_TIMEOUT_SECONDS: "40" })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYHOUSE_HEADERS_TIMEOUT_SECONDS: "40" })).toThrow(/^KEYHOUSE_HEADERS_TIMEOUT_SECONDS: /);
    expect(() => loadConfig({ KEYHOUSE_MAX_CONCURRENT_WORK: "0" })).toThrow(/^KEYHOUSE_MAX_CONCURRENT_WORK: /);
    // The default headers timeout (10 s) is checked against a shorter request timeout too.
    expect(problems({ KEYHOUSE_REQUEST_TIMEOUT_SECONDS: "5" })).toEqual([
      "KEYHOUSE_HEADERS_TIMEOUT_SECONDS: must not exceed KEYHOUSE_REQUEST_TIMEOUT_SECONDS (5)",
    ]);
  });
});

describe("configuration errors", () => {
  it("names every invalid variable at once, in the table's order", () => {
    expect(problems({ KEYHOUSE_MAX_QUEUED_WORK: "-1", KEYHOUSE_PORT: "http", KEYHOUSE_LOG_LEVEL: "loud" })).toEqual([
      'KEYHOUSE_PORT: must be a whole number, got "http"',
      "KEYHOUSE_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent",
      'KEYHOUSE_MAX_QUEUED_WORK: must be a whole number, got "-1"',
    ]);
    const error = (() => {
      try {
        loadConfig({ KEYHOUSE_SECRET: "short", KEYHOUSE_REDIS_URL: "http://cache" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "KEYHOUSE_SECRET: must be at least 32 characters\nKEYHOUSE_REDIS_URL: must be a redis:// or rediss:// URL",
    );
  });

  it("reports a variable that depends on an invalid one only under the invalid one's name", () => {
    // The default public URL is made of the host and port: a bad port is one problem, not two.
    expect(problems({ KEYHOUSE_PORT: "99999" })).toEqual(["KEYHOUSE_PORT: must be between 0 and 65535, got 99999"]);
    // A bad request timeout is not compared with the headers timeout.
    expect(problems({ KEYHOUSE_REQUEST_TIMEOUT_SECONDS: "0" })).toEqual([
      "KEYHOUSE_REQUEST_TIMEOUT_SECONDS: must be between 1 and 3600, got 0",
    ]);
    // A check involving two valid variables still names the one it is about.
    expect(problems({ KEYHOUSE_DATABASE_URL: "postgres://db/keyhouse", KEYHOUSE_PORT: "x" })).toEqual([
      'KEYHOUSE_PORT: must be a whole number, got "x"',
      "KEYHOUSE_SECRET: is required with PostgreSQL: every server process must share it",
    ]);
  });

  it("treats an empty variable as unset", () => {
    const config = loadConfig({ KEYHOUSE_PORT: "", KEYHOUSE_HOST: "", KEYHOUSE_SECRET: "", KEYHOUSE_REDIS_URL: "" });
    expect([config.port, config.host, config.secret, config.redisUrl, config.publicUrl]).toEqual([
      8080,
      "127.0.0.1",
      undefined,
      undefined,
      "http://127.0.0.1:8080",
    ]);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
