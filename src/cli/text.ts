// Text the server sends (names, descriptions, problem details) is printed to a
// terminal; control characters in it could move the cursor or rewrite the
// screen, and bidi controls could reorder the line it is on (a name ending in
// U+202E makes the columns after it read backwards), so every such string
// passes through these functions first. The server refuses these characters in
// new text, but text stored before it did may still hold them.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidi embeddings, overrides, isolates and marks, and zero-width characters: invisible, or reordering what follows. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
/** Both, for JSON output: JSON.stringify leaves them as they are. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** `\u202E`: a character shown as its escape. */
function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Replaces control characters with visible escapes (`\n`, `\x1b`), and bidi
 * and zero-width characters with `\u202E`-style escapes, so text stays on one
 * line, in its order, and cannot drive the terminal.
 */
export function oneLine(text: string): string {
  return text
    .replace(CONTROL, (c) => {
      if (c === "\n") return "\\n";
      if (c === "\t") return " ";
      return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    })
    .replace(INVISIBLE, unicodeEscape);
}

/**
 * JSON.stringify, with DEL, C1, bidi and zero-width characters written as JSON
 * `\uXXXX` escapes: the same JSON value, but one that cannot reorder or drive
 * the terminal it is printed on (JSON.stringify already escapes C0).
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The width a string takes in a terminal, ignoring our own color codes. */
export function displayWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

/** Pads to a display width (color codes do not count). */
export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/** Shortens to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const DAY = 86_400_000;
/** Unit, its length, and the distance from which it is used: days up to 60, so "in 30 days" never reads "next month". */
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["year", 365 * DAY, 365 * DAY],
  ["month", 30 * DAY, 60 * DAY],
  ["day", DAY, DAY],
  ["hour", 3_600_000, 3_600_000],
  ["minute", 60_000, 60_000],
  ["second", 1000, 1000],
];

/** "3 minutes ago", "in 30 days", "now": the largest unit that fits at least once, rounded to the nearest. */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return oneLine(iso);
  const delta = at - now;
  if (Math.abs(delta) < 5000) return "now";
  for (const [unit, ms, from] of UNITS) {
    if (Math.abs(delta) >= from) return RELATIVE.format(Math.round(delta / ms), unit);
  }
  return "now";
}

/** Seconds as the largest exact unit: "1 h", "15 min", "90 s". */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
