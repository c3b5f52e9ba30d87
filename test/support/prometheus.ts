import { send } from "./http.js";

/** One sample of a scrape: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The samples of a Prometheus text exposition (format 0.0.4): every line that
 * is not a comment. Label values are unescaped as the format says.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(LABEL)) {
      labels[name ?? ""] = (value ?? "").replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    }
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

/** A scrape: the value of one series (0 when absent, as a counter that has not moved yet). */
export interface Scrape {
  text: string;
  samples: Sample[];
  value(name: string, labels?: Record<string, string>): number;
}

/** Scrapes `GET <metricsUrl>/metrics` and insists on 200 and the text format. */
export async function scrape(metricsUrl: string): Promise<Scrape> {
  const res = await send(metricsUrl, "/metrics");
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${res.text}`);
  if (!String(res.headers["content-type"]).startsWith("text/plain; version=0.0.4")) {
    throw new Error(`GET /metrics answered ${String(res.headers["content-type"])}`);
  }
  const samples = parseExposition(res.text);
  return {
    text: res.text,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      return found.reduce((sum, s) => sum + s.value, 0);
    },
  };
}
