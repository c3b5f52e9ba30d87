import { InvalidArgumentError } from "commander";

// Option parsers for commander: each returns the parsed value or throws
// InvalidArgumentError, which commander reports as a usage error (exit 2).

const DURATION = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "90" (seconds), "90s", "15m", "12h", "30d", "2w" → seconds. */
export function parseDurationSeconds(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`"${text}" is not a duration; use seconds or a number with s, m, h, d or w (such as 1h)`);
  const unit = (match[2] ?? "s").charAt(0).toLowerCase();
  const seconds = Number(match[1]) * (UNIT_SECONDS[unit] ?? 1);
  if (!Number.isSafeInteger(seconds)) throw new InvalidArgumentError(`"${text}" is too long a duration`);
  return seconds;
}

/**
 * A time as the server wants it (RFC 3339 UTC): an RFC 3339 time as given, a
 * date (midnight UTC that day), or a duration counted from now, forwards
 * (`direction` 1: an expiry, "30d") or backwards (-1: "events since 1h").
 */
function parseTime(text: string, direction: 1 | -1, now: number): string {
  const trimmed = text.trim();
  if (RFC3339.test(trimmed) || DATE.test(trimmed)) {
    const at = Date.parse(DATE.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
    if (Number.isNaN(at)) throw new InvalidArgumentError(`"${text}" is not a valid time`);
    return new Date(at).toISOString();
  }
  if (DURATION.test(trimmed)) return new Date(now + direction * parseDurationSeconds(trimmed) * 1000).toISOString();
  const example = direction === 1 ? "a duration from now (30d)" : "a duration ago (24h)";
  throw new InvalidArgumentError(`"${text}" is not a time; use RFC 3339 (2030-01-15T10:30:00Z), a date (2030-01-15) or ${example}`);
}

/** An expiry: a time, a date, or a duration from now ("30d"). */
export function parseExpiresAt(text: string, now: number = Date.now()): string {
  return parseTime(text, 1, now);
}

/** A time in the past for a filter: a time, a date, or a duration ago ("24h"). */
export function parsePastTime(text: string, now: number = Date.now()): string {
  return parseTime(text, -1, now);
}

/** A page size: an integer from 1 to 100 (SPEC §6). */
export function parseLimit(text: string): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || limit < 1 || limit > 100) throw new InvalidArgumentError(`"${text}" is not a page size from 1 to 100`);
  return limit;
}

/** Non-empty text for a required value. */
export function parseText(text: string): string {
  if (text.trim() === "") throw new InvalidArgumentError("must not be blank");
  return text;
}

/**
 * True when `text` is an opaque id rather than a name (SPEC §2): canonical
 * base64 whose decoded form is `Type:...`. A name that happens to decode that
 * way is still taken as an id; pass the id instead in that rare case.
 */
export function looksLikeId(text: string): boolean {
  if (text.length < 4 || text.length > 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
  const decoded = Buffer.from(text, "base64");
  if (decoded.toString("base64") !== text) return false;
  return /^[A-Za-z]+:[\x21-\x7e]+$/.test(decoded.toString("latin1"));
}
