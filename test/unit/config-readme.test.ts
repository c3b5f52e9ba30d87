import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, SETTINGS, type Config, type Setting } from "../../src/config/config.js";

const README = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

/** The rows of README's configuration table: `| \`VARIABLE\` | default | meaning |`. */
function readmeRows(): { variable: string; default: string; doc: string; line: string }[] {
  const section = README.split(/^## /m).find((s) => s.startsWith("Configuration\n"));
  if (section === undefined) throw new Error("README has no '## Configuration' section");
  return section
    .split("\n")
    .filter((line) => /^\|\s*`(KEYHOUSE|OTEL)_/.test(line))
    .map((line) => {
      const match = /^\| `((?:KEYHOUSE|OTEL)_[A-Z0-9_]+)` \| (.*?) \| (.*) \|$/.exec(line);
      if (!match) throw new Error(`README configuration row not in the form | \`VARIABLE\` | default | meaning |: ${line}`);
      return { variable: match[1] ?? "", default: match[2] ?? "", doc: match[3] ?? "", line };
    });
}

const settings: Setting<unknown>[] = Object.values(SETTINGS);
const rowFor = (s: Setting<unknown>) => `| \`${s.variable}\` | ${s.default} | ${s.doc} |`;

describe("README's configuration table", () => {
  it("lists every variable of the settings table with the same default, and no other", () => {
    const readme = new Map(readmeRows().map((row) => [row.variable, row.default]));
    const table = new Map(settings.map((s) => [s.variable, s.default]));
    expect(
      [...readme.keys()].filter((v) => !table.has(v)),
      "in README but not in src/config/config.ts",
    ).toEqual([]);
    expect(settings.filter((s) => !readme.has(s.variable)).map(rowFor), "missing from README").toEqual([]);
    for (const [variable, value] of table) expect(readme.get(variable), `default of ${variable}`).toBe(value);
  });

  it("is the settings table's rows, in its order (copy the expected rows into README)", () => {
    expect(
      readmeRows()
        .map((row) => row.line)
        .join("\n"),
    ).toBe(settings.map(rowFor).join("\n"));
  });

  it("shows the defaults loadConfig uses", () => {
    const config = loadConfig({}, "/srv/keyhouse");
    for (const [field, setting] of Object.entries(SETTINGS) as [keyof Config, Setting<unknown>][]) {
      const value = config[field];
      if (typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && field !== "publicUrl")) {
        expect(setting.default, field).toBe(`\`${value}\``);
      }
    }
    // The defaults shown in words or as a pattern.
    expect(config.database).toEqual({ kind: "sqlite", path: "/srv/keyhouse/data/keyhouse.db" });
    expect(SETTINGS.database.default).toBe("`./data/keyhouse.db`");
    expect(config.publicUrl).toBe(`http://${config.host}:${config.port}`);
    expect(SETTINGS.publicUrl.default).toBe("`http://HOST:PORT`");
    expect([config.secret, config.redisUrl]).toEqual([undefined, undefined]);
  });

  it("has no variable twice", () => {
    const names = settings.map((s) => s.variable);
    expect(new Set(names).size).toBe(names.length);
    const readme = readmeRows().map((row) => row.variable);
    expect(new Set(readme).size).toBe(readme.length);
  });
});
