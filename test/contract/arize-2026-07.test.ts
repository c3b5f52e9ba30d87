import { afterAll, beforeAll, describe } from "vitest";
import { forEachStore } from "../support/stores.js";
import { accessCases } from "./cases/access.js";
import { apiKeyCases } from "./cases/api-keys.js";
import { dialect2026_07Cases } from "./cases/dialect-2026-07.js";
import { coverageCases, sharedFailureCases, summaryCase } from "./cases/common.js";
import { organizationCases } from "./cases/organizations.js";
import { spaceCases } from "./cases/spaces.js";
import { userCases } from "./cases/users.js";
import { ContractSuite } from "./suite.js";

/**
 * The contract of dialect 2026-07: every operation of arize-wire/sdk-8.42.0.json,
 * driven over real HTTP on each store twice: with the 8.42 client's sdk-version
 * header alone, and with the Keyhouse-Dialect pin alone (either selects it), every response held to the schema of its
 * status in that file. The cases are 2026-06's, said in 8.42's words
 * (test/contract/dialect.ts), plus the operations only 8.42 has. One server per store;
 * the cases run in the order they are registered, the summary last.
 */
forEachStore((store) => {
  for (const selector of ["sdk-version", "pin"] as const) {
    describe(selector === "pin" ? "chosen by Keyhouse-Dialect: 2026-07" : "chosen by sdk-version: 8.42.0", () => {
      const suite = new ContractSuite(store, "2026-07", selector);
      beforeAll(() => suite.start());
      afterAll(() => suite.stop());

      apiKeyCases(suite);
      userCases(suite);
      organizationCases(suite);
      spaceCases(suite);
      accessCases(suite);
      dialect2026_07Cases(suite);
      // These read which operations have cases, so they register after them.
      coverageCases(suite);
      sharedFailureCases(suite);
      summaryCase(suite);
    });
  }
});
