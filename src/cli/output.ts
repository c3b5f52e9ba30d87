import { displayWidth, oneLine, padEnd, relativeTime, terminalJson, truncate } from "./text.js";
import { UsageError } from "./failure.js";

type Format = "table" | "json";

type Env = Record<string, string | undefined>;

/** How a client command prints: chosen once from the global options, the environment and the terminal. */
export interface Output {
  format: Format;
  quiet: boolean;
  /** Color on stdout: only on a terminal, and never with NO_COLOR set. */
  color: boolean;
  now: number;
  out(text: string): void;
  err(text: string): void;
}

export interface OutputOptions {
  output?: string;
  quiet?: boolean;
}

/** The printing setup of one command run. */
export function createOutput(options: OutputOptions, env: Env, stdoutIsTerminal: boolean): Output {
  const format = options.output ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`--output must be table or json, not "${format}"`);
  return {
    format,
    quiet: options.quiet === true,
    color: stdoutIsTerminal && !env.NO_COLOR && env.TERM !== "dumb",
    now: Date.now(),
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  };
}

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Color = keyof typeof COLORS;

export function paint(output: Output, color: Color, text: string): string {
  return output.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text;
}

const STATUS_COLORS: Record<string, Color> = {
  active: "green",
  deleted: "red",
  inactive: "red",
  expired: "yellow",
  invited: "yellow",
};

/** A status word, colored by meaning when color is on. */
export function statusCell(output: Output, status: string): string {
  const color = STATUS_COLORS[status];
  return color ? paint(output, color, oneLine(status)) : oneLine(status);
}

/** A time as a table shows it: relative ("3 minutes ago"), or "-" when unset. */
export function whenCell(output: Output, iso: string | undefined): string {
  return iso === undefined ? "-" : relativeTime(iso, output.now);
}

/** A time as a detail view shows it: exact, then relative. */
export function whenDetail(output: Output, iso: string | undefined): string {
  return iso === undefined ? "-" : `${oneLine(iso)} (${relativeTime(iso, output.now)})`;
}

export interface Column<T> {
  header: string;
  /** Returns display text; server text must already be passed through oneLine (cell() does it). */
  value: (row: T) => string;
  /** Longest text before it is cut with an ellipsis. */
  max?: number;
}

/** Plain server text for a cell: one line, "-" when unset. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  return oneLine(String(value));
}

/** Renders rows as aligned columns under an upper-case header. */
export function renderTable<T>(output: Output, columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((row) => columns.map((column) => (column.max ? truncate(column.value(row), column.max) : column.value(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => displayWidth(row[i] ?? ""))));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : padEnd(value, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [paint(output, "bold", line(headers)), ...cells.map(line)].join("\n");
}

/** Renders label/value pairs one per line, labels aligned: the view of one resource. */
export function renderDetails(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join("\n");
}

export function printJson(output: Output, value: unknown): void {
  output.out(terminalJson(value));
}
