import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

describe("configuration of the limits that protect the process", () => {
  it("has defaults and reads each variable", () => {
    const defaults = loadConfig({});
    expect([defaults.headersTimeoutSeconds, defaults.requestTimeoutSeconds, defaults.maxConcurrentWork, defaults.maxQueuedWork]).toEqual([10, 30, 32, 512]);
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
  });
});
