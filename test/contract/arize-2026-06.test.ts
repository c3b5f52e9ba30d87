import { afterAll, beforeAll } from "vitest";
import { forEachStore } from "../support/stores.js";
import { accessCases } from "./cases/access.js";
import { apiKeyCases } from "./cases/api-keys.js";
import { coverageCases, sharedFailureCases, summaryCase } from "./cases/common.js";
import { organizationCases } from "./cases/organizations.js";
import { spaceCases } from "./cases/spaces.js";
import { userCases } from "./cases/users.js";
import { ContractSuite } from "./suite.js";

/**
 * The contract of dialect 2026-06: every operation of arize-wire/sdk-8.31.0.json
 * that keyhouse serves, driven over real HTTP on each store, every response held
 * to the schema of its status (test/contract/client.ts). One server per store;
 * the cases run in the order they are registered, the summary last.
 */
forEachStore((store) => {
  const suite = new ContractSuite(store);
  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  apiKeyCases(suite);
  userCases(suite);
  organizationCases(suite);
  spaceCases(suite);
  accessCases(suite);
  // These read which operations have cases, so they register after them.
  coverageCases(suite);
  sharedFailureCases(suite);
  summaryCase(suite);
});
