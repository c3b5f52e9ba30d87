import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

describe("KEYHOUSE_DIALECT", () => {
  it("defaults to 2026-06 and takes 2026-07", () => {
    expect(loadConfig({}).dialect).toBe("2026-06");
    expect(loadConfig({ KEYHOUSE_DIALECT: "2026-07" }).dialect).toBe("2026-07");
  });

  it("refuses anything else, naming the variable and the two values", () => {
    for (const value of ["2026-08", "latest", "2026-7"]) {
      let refused: ConfigError | undefined;
      try {
        loadConfig({ KEYHOUSE_DIALECT: value });
      } catch (error) {
        if (error instanceof ConfigError) refused = error;
      }
      expect(refused?.problems).toEqual([{ variable: "KEYHOUSE_DIALECT", message: `must be 2026-06 or 2026-07, got "${value}"` }]);
    }
  });
});
