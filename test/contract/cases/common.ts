import { beforeAll, describe, expect, it } from "vitest";
import type { IdType } from "../../../src/http/ids.js";
import { unique } from "../../support/identity.js";
import { problemCode } from "../client.js";
import { PENDING } from "../pending.js";
import { idOfNothing, type ContractSuite } from "../suite.js";
import { opKey, successStatus, type WireOperation } from "../wire.js";

/** What each path parameter names. */
const PARAM_TYPES: Record<string, IdType> = {
  api_key_id: "ApiKey",
  user_id: "User",
  org_id: "Organization",
  space_id: "Space",
  project_id: "Project",
  role_id: "Role",
  binding_id: "RoleBinding",
  resource_id: "Project",
};

const predefined = (name: string) => ({ type: "predefined", name });

/** A body the official client could send to each operation that takes one (its content matters only where a case says so). */
function sampleBody(op: WireOperation): unknown {
  const samples: Record<string, unknown> = {
    "POST /v2/api-keys": { name: "sample" },
    "POST /v2/api-keys/{api_key_id}/refresh": {},
    "POST /v2/users": { name: "Sample", email: `${unique("sample")}@example.test`, role: predefined("member"), invite_mode: "none" },
    "PATCH /v2/users/{user_id}": { name: "Sample" },
    "POST /v2/organizations": { name: unique("sample") },
    "PATCH /v2/organizations/{org_id}": { description: "sample" },
    "POST /v2/organizations/{org_id}/users": { user_id: idOfNothing("User"), role: predefined("member") },
    "POST /v2/spaces": { name: unique("sample"), organization_id: idOfNothing("Organization") },
    "PATCH /v2/spaces/{space_id}": { description: "sample" },
    "POST /v2/spaces/{space_id}/users": { user_id: idOfNothing("User"), role: predefined("member") },
    "POST /v2/projects": { name: unique("sample"), space_id: idOfNothing("Space") },
    "PATCH /v2/projects/{project_id}": { name: unique("sample") },
    "POST /v2/roles": { name: unique("sample"), permissions: ["PROJECT_READ"] },
    "PATCH /v2/roles/{role_id}": { description: "sample" },
    "POST /v2/role-bindings": {
      role_id: idOfNothing("Role"),
      user_id: idOfNothing("User"),
      resource_type: "SPACE",
      resource_id: idOfNothing("Space"),
    },
    "PATCH /v2/role-bindings/{binding_id}": { role_id: idOfNothing("Role") },
    "POST /v2/resource-restrictions": { resource_id: idOfNothing("Project") },
  };
  if (op.body === null) return undefined;
  if (!(opKey(op) in samples)) throw new Error(`no sample body for ${opKey(op)}: add one to test/contract/cases/common.ts`);
  return samples[opKey(op)];
}

function pathParams(op: WireOperation): string[] {
  return [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
}

function idsOfNothing(op: WireOperation): Record<string, string> {
  return Object.fromEntries(
    pathParams(op).map((name) => {
      const type = PARAM_TYPES[name];
      if (!type) throw new Error(`${opKey(op)}: what does {${name}} name? Add it to PARAM_TYPES`);
      return [name, idOfNothing(type)];
    }),
  );
}

/** The coverage guard: every operation of the file has cases or is pending, and nothing pending is served yet. */
export function coverageCases(s: ContractSuite): void {
  const file = s.api.wire.file;
  describe("coverage", () => {
    it(`every operation of ${file} has cases or is pending, by name`, () => {
      const pending = new Set(PENDING.map((p) => p.op));
      const all = s.api.wire.operations.map(opKey);
      expect(
        all.filter((op) => !s.exercised.has(op) && !pending.has(op)),
        "operations with no case and not pending",
      ).toEqual([]);
      expect(
        [...pending].filter((op) => s.exercised.has(op)),
        "operations both pending and exercised",
      ).toEqual([]);
      expect(
        [...pending].filter((op) => !all.includes(op)),
        `pending names that are not operations of ${file}`,
      ).toEqual([]);
    });

    it("no pending operation is served yet (when one is, take it off PENDING and give it cases)", async () => {
      const served: string[] = [];
      for (const { op } of PENDING) {
        const operation = s.api.operation(op);
        const path = operation.path.replace(/\{\w+\}/g, "UGVuZGluZzoxOmFiY2Q=");
        const res = await s.t.call(path, { method: operation.method, body: operation.body === null ? undefined : {} });
        if (res.status !== 404 || problemCode(res.body) !== "ROUTE_NOT_FOUND") served.push(`${op} answered ${res.status} ${res.text}`);
      }
      expect(served, served.join("\n")).toEqual([]);
    });

    it("the fixtures' own requests (beforeAll) answered as the wire says", () => {
      expect(s.api.setupViolations, s.api.setupViolations.join("\n")).toEqual([]);
    });

    for (const { op, issue } of PENDING) it.todo(`${op} (pending: ${issue})`);
  });
}

/**
 * Failure cases every served operation shares, one test per operation: 401
 * without a key, 429 when throttled, 400 for malformed path ids, 404 for ids of
 * nothing. They register after the resource cases and take the operations
 * those exercise.
 */
export function sharedFailureCases(s: ContractSuite): void {
  const served = s.api.wire.operations.filter((op) => s.exercised.has(opKey(op)));
  const withIds = served.filter((op) => pathParams(op).length > 0);
  const wrongKey = `ak-${"x".repeat(48)}`;

  describe("401 without a key, on every served operation", () => {
    for (const op of served) {
      it(opKey(op), async () => {
        await s.call(opKey(op), { params: idsOfNothing(op), body: sampleBody(op), key: null, from: s.api.freshAddress() }, 401);
      });
    }
  });

  describe("429 for a throttled address whose key does not authenticate, on every served operation", () => {
    let from = "";
    beforeAll(async () => {
      from = s.api.freshAddress();
      let status = 401;
      for (let i = 0; i < 200 && status === 401; i++)
        status = (await s.t.call("/v2/api-keys", { key: wrongKey, localAddress: from })).status;
      if (status !== 429) throw new Error(`the failure throttle never answered 429 (last: ${status})`);
    });
    for (const op of served) {
      it(opKey(op), async () => {
        await s.call(opKey(op), { params: idsOfNothing(op), body: sampleBody(op), key: wrongKey, from }, 429);
      });
    }
  });

  describe("400 for a path id that is not an id, on every served operation that takes one", () => {
    for (const op of withIds) {
      it(opKey(op), async () => {
        const params = Object.fromEntries(pathParams(op).map((name) => [name, "not-an-id"]));
        await s.call(opKey(op), { params, body: sampleBody(op) }, 400);
      });
    }
  });

  describe("404 for well-formed ids of nothing, on every served operation that takes one", () => {
    for (const op of withIds) {
      it(opKey(op), async () => {
        await s.call(opKey(op), { params: idsOfNothing(op), body: sampleBody(op) }, 404);
      });
    }
  });
}

/** The summary: each served operation answered its success status and at least one 4xx, both conformant. */
export function summaryCase(s: ContractSuite): void {
  it("summary: every served operation answered its success status and a 4xx, both as the wire says", () => {
    const gaps: string[] = [];
    for (const op of s.api.wire.operations.filter((o) => s.exercised.has(opKey(o)))) {
      const seen = [...(s.api.seen.get(opKey(op)) ?? [])].sort();
      const success = successStatus(op);
      if (!seen.includes(success)) gaps.push(`${opKey(op)}: never answered ${success} conformantly (saw ${seen.join(", ") || "nothing"})`);
      if (!seen.some((status) => status >= 400 && status < 500)) gaps.push(`${opKey(op)}: never answered a conformant 4xx`);
    }
    expect(gaps, gaps.join("\n")).toEqual([]);
  });
}
