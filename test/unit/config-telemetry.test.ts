import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, otlpTracesUrl } from "../../src/config/config.js";

/** The problems a configuration is refused with, as `VARIABLE: message` lines. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("configuration of metrics and traces (docs/observability.md)", () => {
  it("keeps neither by default", () => {
    const config = loadConfig({});
    expect([config.metricsPort, config.metricsHost, otlpTracesUrl(config)]).toEqual([undefined, "127.0.0.1", undefined]);
  });

  it("reads the metrics port and host, and refuses the API's own port", () => {
    const config = loadConfig({ KEYHOUSE_METRICS_PORT: "9464", KEYHOUSE_METRICS_HOST: "0.0.0.0" });
    expect([config.metricsPort, config.metricsHost]).toEqual([9464, "0.0.0.0"]);
    expect(loadConfig({ KEYHOUSE_PORT: "0", KEYHOUSE_METRICS_PORT: "0" }).metricsPort).toBe(0);
    expect(problems({ KEYHOUSE_PORT: "9000", KEYHOUSE_METRICS_PORT: "9000" })).toEqual([
      "KEYHOUSE_METRICS_PORT: must differ from KEYHOUSE_PORT (9000): metrics are never served on the API's port",
    ]);
    expect(problems({ KEYHOUSE_METRICS_PORT: "metrics" })).toEqual(['KEYHOUSE_METRICS_PORT: must be a whole number, got "metrics"']);
    expect(problems({ KEYHOUSE_METRICS_PORT: "70000" })).toEqual(["KEYHOUSE_METRICS_PORT: must be between 0 and 65535, got 70000"]);
  });

  it("sends traces to <endpoint>/v1/traces, or to the traces endpoint as given", () => {
    expect(otlpTracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }))).toBe("http://collector:4318/v1/traces");
    expect(otlpTracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/otlp/" }))).toBe(
      "https://otel.example.com/otlp/v1/traces",
    );
    expect(
      otlpTracesUrl(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/custom",
        }),
      ),
    ).toBe("http://traces:4318/custom");
  });

  it("refuses an endpoint that is not an http(s) URL, naming the variable", () => {
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" })).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL (OTLP over HTTP)",
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: is not a valid URL: "not a url"',
    ]);
  });
});
