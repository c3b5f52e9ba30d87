// Sample keys written by the seeders, one `<raw key> <path>` per line, turned
// into request lists for the load generator.
import { readFileSync } from "node:fs";

export function readSamples(file) {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [key, path] = line.split(" ");
      return { key, path };
    });
}

/** One request per sample key; `path` defaults to the sample's own path. */
export function requestsFor(samples, { method = "GET", path, headers = {}, body } = {}) {
  return samples.map((s) => ({
    method,
    path: path ?? s.path,
    headers: { authorization: `Bearer ${s.key}`, ...headers },
    body,
  }));
}
