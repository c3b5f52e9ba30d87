import { ProblemError } from "./problem.js";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp to epoch milliseconds, or throws a 400 naming the field. */
export function parseTimestamp(value: string, field: string): number {
  const match = RFC3339.exec(value);
  const ms = match ? Date.parse(value.toUpperCase()) : Number.NaN;
  if (!match || Number.isNaN(ms)) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${field} must be an RFC 3339 timestamp such as 2030-01-15T10:30:00Z`,
    });
  }
  // Date.parse rolls over impossible dates (Feb 30); compare the fields to refuse them.
  const [, year, month, day, hour, minute, second] = match;
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  if (
    check.getUTCMonth() + 1 !== Number(month) ||
    check.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    throw new ProblemError("VALIDATION_FAILED", { detail: `${field} is not a real date and time` });
  }
  return ms;
}

/** Parses a timestamp that must lie after `now`. */
export function parseFutureTimestamp(value: string, field: string, now: number): number {
  const ms = parseTimestamp(value, field);
  if (ms <= now) throw new ProblemError("VALIDATION_FAILED", { detail: `${field} must be in the future` });
  return ms;
}

/** A stored time (integer milliseconds) as the wire shows it: RFC 3339 UTC. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
