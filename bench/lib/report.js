// Turns the measured results into one table: absolute figures, ratios to bare
// Fastify and to better-auth from the same run, and the targets.

const int = (n) => Math.round(n).toLocaleString("en-US");
const ms = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const pct = (n) => `${Math.round(n * 100)} %`;
const times = (n) => `${n.toFixed(1)}×`;

/** Every row the suite must produce, in table order. The smoke test checks each id. */
export function rowIds() {
  const keyhouse = (s) =>
    [
      "hot",
      "whoami",
      "verify",
      ...(s === "sqlite" ? ["mw"] : []),
      "list10",
      "perm.membership",
      "perm.binding",
      "telemetry.off",
      "telemetry.metrics",
      "telemetry.tracing",
      "create",
      "page.first",
      "page.deep",
      "walk",
      "rss",
    ].map((f) => `${s}.${f}`);
  return [
    "ref.node",
    "ref.fastify",
    "ref.map",
    "ref.sqlite",
    "peer.verify",
    "peer.create",
    "peer.list",
    ...keyhouse("sqlite"),
    ...keyhouse("postgres"),
  ];
}

function describe(id, keys, depth) {
  const n = keys.toLocaleString("en-US");
  const d = depth.toLocaleString("en-US");
  const store = id.startsWith("sqlite") ? "SQLite" : "PostgreSQL";
  const labels = {
    "ref.node": "node:http, fixed JSON",
    "ref.fastify": "bare Fastify, fixed JSON (the limit)",
    "ref.map": `Fastify + SHA-256 + Map over ${n} keys`,
    "ref.sqlite": `Fastify + SHA-256 + indexed SQLite over ${n} keys`,
    "peer.verify": `better-auth verifyApiKey over HTTP (SQLite WAL, ${n} keys)`,
    "peer.create": "better-auth create over HTTP",
    "peer.list": "better-auth list (one call)",
    hot: `keyhouse ${store}: GET /v2/api-keys/{id} (hot path)`,
    whoami: `keyhouse ${store}: GET /v2/whoami`,
    verify: `keyhouse ${store}: POST /v2/api-keys/verify (no client cache)`,
    mw: `downstream Fastify + @keyhouse/verify middleware, cache warm over ${Math.min(keys, 100_000).toLocaleString("en-US")} keys`,
    list10: `keyhouse ${store}: GET /v2/api-keys?limit=10`,
    create: `keyhouse ${store}: POST /v2/api-keys (creates)`,
    "perm.membership": `keyhouse ${store}: GET /v2/api-keys?space_id=…&limit=10, SERVICE_KEY_READ from a membership`,
    "perm.binding": `keyhouse ${store}: the same, SERVICE_KEY_READ from a custom role's binding`,
    "telemetry.off": `keyhouse ${store}: hot path, metrics and traces off (measured alternating with the next two)`,
    "telemetry.metrics": `keyhouse ${store}: hot path, metrics on (KEYHOUSE_METRICS_PORT, scraped every second)`,
    "telemetry.tracing": `keyhouse ${store}: hot path, traces on (OTLP/HTTP, every request sampled)`,
    "page.first": `keyhouse ${store}: list page limit=100, first`,
    "page.deep": `keyhouse ${store}: list page limit=100, at depth ${d}`,
    walk: `keyhouse ${store}: walk all keys, limit=100`,
    rss: `keyhouse ${store}: server RSS after seeding ${n} keys and the load`,
  };
  return labels[id] ?? labels[id.slice(id.indexOf(".") + 1)] ?? id;
}

/**
 * Builds the table rows: { id, label, value, p50, p99, p999, p99VsFastify, vsFastify, vsPeer, target, met }.
 * `met` is true/false where the issue sets a target, undefined where it only asks for the figure.
 */
export function buildRows(results, { keys, depth }) {
  const ok = (id) => (results[id]?.ok ? results[id].value : undefined);
  const fastify = ok("ref.fastify")?.rps;
  const peerVerify = ok("peer.verify")?.rps;
  const peerCreate = ok("peer.create")?.rps;
  const rows = [];
  for (const id of rowIds()) {
    const r = results[id];
    const row = {
      id,
      label: describe(id, keys, depth),
      value: "",
      p50: "",
      p99: "",
      p999: "",
      p99VsFastify: "",
      vsFastify: "",
      vsPeer: "",
      target: "",
      met: undefined,
    };
    rows.push(row);
    if (!r) {
      row.value = "not run";
      continue;
    }
    if (!r.ok) {
      row.value = `FAILED: ${r.error}`;
      row.met = false;
      continue;
    }
    const v = r.value;
    const store = id.split(".")[0];
    const figure = id.slice(store.length + 1);
    if (v.rps !== undefined) {
      const unit = figure === "create" ? "keys/s" : "req/s";
      row.value = `${int(v.rps)} ${unit}`;
      row.p50 = ms(v.p50Ms);
      row.p99 = ms(v.p99Ms);
      if (v.p999Ms !== undefined) row.p999 = ms(v.p999Ms);
      if (fastify && figure !== "create") row.vsFastify = pct(v.rps / fastify);
      const fastifyP99 = ok("ref.fastify")?.p99Ms;
      if (fastifyP99) row.p99VsFastify = times(v.p99Ms / fastifyP99);
    }
    if (id === "peer.list") {
      row.value = `returned ${int(v.returned)} of ${int(v.stored)} keys (total says ${int(v.reportedTotal)})`;
    }
    if (figure === "walk") row.value = `${v.seconds.toFixed(1)} s for ${int(v.keys)} keys (${int(v.keys / v.seconds)} keys/s)`;
    if (figure === "rss") row.value = `${int(v.rssBytes / 1048576)} MB (peak ${int(v.peakBytes / 1048576)} MB)`;

    const sqlite = store === "sqlite";
    if (figure === "hot") {
      if (peerVerify) row.vsPeer = times(v.rps / peerVerify);
      if (sqlite) {
        row.target = "≥ 60 % of Fastify, ≥ 15× better-auth";
        row.met = fastify !== undefined && peerVerify !== undefined && v.rps >= 0.6 * fastify && v.rps >= 15 * peerVerify;
      } else {
        row.target = "≥ 30 % of Fastify";
        row.met = fastify !== undefined && v.rps >= 0.3 * fastify;
      }
    }
    if (figure === "mw") {
      // Against the bare Fastify and SHA-256 + Map servers measured beside it, runs alternating.
      const { fastifyRps, mapRps } = v.beside;
      row.vsFastify = pct(v.rps / fastifyRps);
      row.target = `≥ 50 % of Fastify, ≥ 80 % of SHA-256 + Map, measured beside it (is ${pct(v.rps / fastifyRps)} and ${pct(v.rps / mapRps)})`;
      row.met = v.rps >= 0.5 * fastifyRps && v.rps >= 0.8 * mapRps;
    }
    if (figure === "verify") {
      const hot = ok(`${store}.hot`);
      if (hot) row.target = `report (${pct(v.rps / hot.rps)} of the hot path)`;
    }
    if (figure === "list10" && sqlite) {
      row.target = "≥ 30 % of Fastify";
      row.met = fastify !== undefined && v.rps >= 0.3 * fastify;
    }
    if (figure === "create") {
      if (peerCreate) row.vsPeer = times(v.rps / peerCreate);
      if (sqlite) {
        row.target = "≥ 3× better-auth";
        row.met = peerCreate !== undefined && v.rps >= 3 * peerCreate;
      }
    }
    if (figure === "page.deep") {
      const first = ok(`${store}.page.first`);
      if (first) {
        row.vsPeer = "";
        row.target = `p99 ≤ 1.5× first page (is ${(v.p99Ms / first.p99Ms).toFixed(2)}×)`;
        if (sqlite) row.met = v.p99Ms <= 1.5 * first.p99Ms;
        else row.target = `report (p99 is ${(v.p99Ms / first.p99Ms).toFixed(2)}× first page)`;
      }
    }
    if (figure === "rss" && sqlite) {
      row.target = "≤ 150 MB";
      row.met = v.rssBytes <= 150 * 1048576;
    }
    if (figure === "perm.binding") {
      const membership = ok(`${store}.perm.membership`);
      if (membership) {
        const ratio = v.rps / membership.rps;
        row.target = `≥ 90 % of the membership row (is ${pct(ratio)}; p50 ${(v.p50Ms / membership.p50Ms).toFixed(2)}×)`;
        row.met = ratio >= 0.9;
      }
    }
    if (figure === "telemetry.metrics" || figure === "telemetry.tracing") {
      const off = ok(`${store}.telemetry.off`);
      if (off) {
        const ratio = v.rps / off.rps;
        if (figure === "telemetry.metrics") {
          row.target = `≥ 95 % of off (is ${pct(ratio)})`;
          row.met = ratio >= 0.95;
        } else row.target = `report (is ${pct(ratio)} of off)`;
      }
    }
    if (id === "peer.verify" || id === "peer.create") row.vsPeer = "1.0×";
  }
  return rows;
}

/** The table as markdown; the same text is printed and written to docs/benchmarks.md. */
export function markdownTable(rows) {
  const head = "| Figure | Value | p50 ms | p99 ms | p99.9 ms | p99 vs Fastify's | vs bare Fastify | vs better-auth | Target | Met |";
  const rule = "|---|---|--:|--:|--:|--:|--:|--:|---|:-:|";
  const body = rows.map((r) => {
    const met = r.met === undefined ? "" : r.met ? "yes" : "**no**";
    const cells = [r.label, r.value, r.p50, r.p99, r.p999, r.p99VsFastify, r.vsFastify, r.vsPeer, r.target, met];
    return `| ${cells.map((c) => String(c).replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
  });
  return [head, rule, ...body].join("\n");
}
