import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

function trustProxy(value: string | undefined) {
  return loadConfig(value === undefined ? {} : { KEYHOUSE_TRUST_PROXY: value }).trustProxy;
}

function refusal(value: string): string {
  try {
    loadConfig({ KEYHOUSE_TRUST_PROXY: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`KEYHOUSE_TRUST_PROXY=${value} was accepted`);
}

describe("KEYHOUSE_TRUST_PROXY", () => {
  it("is a number of proxy hops; unset, 0 and false trust no proxy", () => {
    expect(trustProxy(undefined)).toBe(0);
    expect(trustProxy("")).toBe(0);
    expect(trustProxy("0")).toBe(0);
    expect(trustProxy("false")).toBe(0);
    expect(trustProxy("1")).toBe(1);
    expect(trustProxy("2")).toBe(2);
  });

  it("or a comma-separated list of proxy addresses and CIDR ranges", () => {
    expect(trustProxy("10.0.0.0/8, 192.168.1.10,fd00::/8")).toEqual(["10.0.0.0/8", "192.168.1.10", "fd00::/8"]);
  });

  it("refuses true, which would believe the leftmost entry, telling the operator to give the hop count", () => {
    for (const value of ["true", "TRUE", "yes"]) {
      const message = refusal(value);
      expect(message).toMatch(/^KEYHOUSE_TRUST_PROXY: /);
      expect(message).toMatch(/number of proxies/);
    }
  });

  it("refuses what is neither a hop count nor addresses, naming the entry", () => {
    expect(refusal("17")).toMatch(/at most 16/);
    expect(refusal("10.0.0.0/8, proxy.internal")).toMatch(/"proxy.internal"/);
    expect(refusal("10.0.0.0/33")).toMatch(/"10.0.0.0\/33"/);
    expect(refusal("-1")).toMatch(/"-1"/);
  });
});
