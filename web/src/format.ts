const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** A timestamp for people, in their own locale and time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 2 days"; under a minute reads "just now". */
export function formatRelative(iso: string, now = Date.now()): string {
  const deltaMs = new Date(iso).getTime() - now;
  for (const [unit, sizeMs] of UNITS) {
    if (Math.abs(deltaMs) >= sizeMs) return relative.format(Math.round(deltaMs / sizeMs), unit);
  }
  return "just now";
}

/** Keys expiring within this window get an "Expires soon" badge. */
const SOON_MS = 7 * 86_400_000;

export type ExpiryState = "none" | "ok" | "soon" | "expired";

export function expiryState(expiresAt: string | undefined, now = Date.now()): ExpiryState {
  if (expiresAt === undefined) return "none";
  const leftMs = new Date(expiresAt).getTime() - now;
  if (leftMs <= 0) return "expired";
  return leftMs <= SOON_MS ? "soon" : "ok";
}

/** Options for an expiry picker, in days from now; 0 means never. */
export const EXPIRY_CHOICES: { label: string; days: number }[] = [
  { label: "Never", days: 0 },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
];

/** The RFC 3339 expiry for a choice of days, or undefined for never. */
export function expiryFromDays(days: number, now = Date.now()): string | undefined {
  return days === 0 ? undefined : new Date(now + days * 86_400_000).toISOString();
}
