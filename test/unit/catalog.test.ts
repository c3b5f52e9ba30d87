import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSIONS, PREDEFINED_ROLES } from "../../src/auth/catalog.js";
import { predefinedSet } from "../../src/auth/engine.js";
import { loadWire } from "../contract/wire.js";

/** The Permission enum of Arize's Role model (2026-06). */
const role = loadWire("sdk-8.31.0.json").schemas.Role as { $defs: { Permission: { enum: string[] } } };

describe("the permission catalog", () => {
  it("is Arize's 2026-06 Permission enum, the values 2026-07 added, and API_KEY_VERIFY", () => {
    const arize = role.$defs.Permission.enum;
    const role07 = loadWire("sdk-8.42.0.json").schemas.Role as { $defs: Record<string, { title?: string; enum?: string[] }> };
    const arize07 = Object.values(role07.$defs).find((d) => d.title === "Permission")?.enum ?? [];
    // SERVICE_KEY_REVOKE is 2026-07's name for SERVICE_KEY_DELETE (src/http/dialect.ts), not a new permission.
    const added = arize07.filter((p) => !arize.includes(p) && p !== "SERVICE_KEY_REVOKE");
    expect(added.length).toBeGreaterThan(0);
    expect([...PERMISSIONS]).toEqual([...arize, ...added, "API_KEY_VERIFY"]);
  });

  it("gives the predefined roles SPEC §8's service key rights", () => {
    const table = {
      admin: [true, true, true],
      member: [true, true, false],
      "read-only": [true, false, false],
      annotator: [false, false, false],
    };
    for (const [role, [read, create, remove]] of Object.entries(table)) {
      const grants = (p: "SERVICE_KEY_READ" | "SERVICE_KEY_CREATE" | "SERVICE_KEY_DELETE") =>
        predefinedSet(role as keyof typeof table).has(p);
      expect([grants("SERVICE_KEY_READ"), grants("SERVICE_KEY_CREATE"), grants("SERVICE_KEY_DELETE")], role).toEqual([
        read,
        create,
        remove,
      ]);
    }
  });

  it("is documented in docs/access-control.md, row for row", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "access-control.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \|((?: [a-z]* \|){4})$/gm)].map((m) => [
      m[1],
      (m[2] ?? "")
        .split("|")
        .slice(0, 4)
        .map((c) => c.trim() === "yes"),
    ]);
    const expected = PERMISSIONS.map((p) => [p, PREDEFINED_ROLES.map((role) => role.permissions.includes(p))]);
    expect(rows).toEqual(expected);
  });
});
