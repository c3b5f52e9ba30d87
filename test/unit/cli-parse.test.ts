import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { encodeId } from "../../src/http/ids.js";
import { apiUrl } from "../../src/cli/client.js";
import { looksLikeId, parseDurationSeconds, parseExpiresAt, parseLimit, parsePastTime } from "../../src/cli/parse.js";
import { displayWidth, formatDuration, oneLine, relativeTime } from "../../src/cli/text.js";

const NOW = Date.parse("2030-01-15T10:30:00Z");

describe("command-line parsing", () => {
  it("reads durations in seconds or with a unit", () => {
    expect(parseDurationSeconds("90")).toBe(90);
    expect(parseDurationSeconds("15m")).toBe(900);
    expect(parseDurationSeconds("1h")).toBe(3600);
    expect(parseDurationSeconds("2 days")).toBe(172_800);
    expect(() => parseDurationSeconds("-1h")).toThrow(InvalidArgumentError);
    expect(() => parseDurationSeconds("1y")).toThrow(InvalidArgumentError);
  });

  it("reads an expiry as RFC 3339, a date (UTC midnight) or a duration from now; a filter time as a duration ago", () => {
    expect(parseExpiresAt("2030-02-01T00:00:00+01:00", NOW)).toBe("2030-01-31T23:00:00.000Z");
    expect(parseExpiresAt("2030-02-01", NOW)).toBe("2030-02-01T00:00:00.000Z");
    expect(parseExpiresAt("30d", NOW)).toBe("2030-02-14T10:30:00.000Z");
    expect(parsePastTime("24h", NOW)).toBe("2030-01-14T10:30:00.000Z");
    expect(() => parseExpiresAt("2030-13-45", NOW)).toThrow(InvalidArgumentError);
    expect(() => parseExpiresAt("tomorrow", NOW)).toThrow(/RFC 3339/);
  });

  it("accepts page sizes from 1 to 100 only", () => {
    expect(parseLimit("1")).toBe(1);
    expect(parseLimit("100")).toBe(100);
    for (const bad of ["0", "101", "1.5", "ten", ""]) expect(() => parseLimit(bad)).toThrow(InvalidArgumentError);
  });

  it("tells an opaque id from a name the way SPEC §2 says: base64 that decodes to Type:...", () => {
    expect(looksLikeId(encodeId("Space", 7))).toBe(true);
    expect(looksLikeId(encodeId("Organization", 123_456))).toBe(true);
    for (const name of ["default", "Payments", "prod", "a@b.c", "My Space", "QUJD"]) expect(looksLikeId(name), name).toBe(false);
  });

  it("joins a base URL with a path prefix and drops unset query values", () => {
    expect(apiUrl("https://h.example/keyhouse", "/v2/spaces", { name: "a b", limit: undefined }).toString()).toBe(
      "https://h.example/keyhouse/v2/spaces?name=a+b",
    );
    expect(apiUrl("http://127.0.0.1:8080", "/v2/whoami").toString()).toBe("http://127.0.0.1:8080/v2/whoami");
  });
});

describe("command-line text", () => {
  it("keeps server text on one line and unable to drive the terminal", () => {
    expect(oneLine("a\nb\u001b[2Jc\u0007")).toBe("a\\nb\\x1b[2Jc\\x07");
    expect(displayWidth("\u001b[32mactive\u001b[0m")).toBe(6);
  });

  it("says times relative to now, rounded to the nearest of the largest unit", () => {
    expect(relativeTime("2030-01-15T10:29:58Z", NOW)).toBe("now");
    expect(relativeTime("2030-01-15T10:27:00Z", NOW)).toBe("3 minutes ago");
    expect(relativeTime("2030-02-14T10:29:00Z", NOW)).toBe("in 30 days");
    // Exactly 30 days (an expiry set "30d" from now, shown at once) is still days, not "next month".
    expect(relativeTime(new Date(NOW + 30 * 86_400_000).toISOString(), NOW)).toBe("in 30 days");
    expect(relativeTime("2030-05-15T10:30:00Z", NOW)).toBe("in 4 months");
    expect(relativeTime("2030-01-14T09:00:00Z", NOW)).toBe("yesterday");
    expect(relativeTime("not a time", NOW)).toBe("not a time");
  });

  it("formats a duration in its largest exact unit", () => {
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(900)).toBe("15 min");
    expect(formatDuration(90)).toBe("90 s");
  });
});
