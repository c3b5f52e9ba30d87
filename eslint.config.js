// ESLint (npm run lint, part of npm test). Correctness rules only: formatting is
// Prettier's. Type-aware: each file is checked with the types of the tsconfig.json
// nearest to it (tsconfig.json for src/ and test/, web/tsconfig.json for the
// console, bench/tsconfig.json for the plain-JS benchmark scripts). docs/tooling.md
// says why each rule is here.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "web/dist/", "bench/peer/", "node_modules/", "packages/*/dist/"]),
  {
    files: [
      "src/**/*.ts",
      "test/**/*.{ts,mjs}",
      "web/src/**/*.{ts,tsx}",
      "bench/*.js",
      "bench/lib/**/*.js",
      "bench/refs/**/*.js",
      "packages/*/src/**/*.ts",
      "examples/*/*.js",
    ],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // The crash writer is plain JS run by test/reliability/crash.test.ts; no tsconfig includes it.
        // The examples are plain JS services (examples/*/server.js); no tsconfig includes them either.
        projectService: { allowDefaultProject: ["test/reliability/crash-writer.mjs", "examples/*/*.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process).
      "@typescript-eslint/no-floating-promises": "error",
      // An async function where a void callback is expected: its rejection goes nowhere.
      "@typescript-eslint/no-misused-promises": "error",
      // Awaiting something that is not a promise is a mistake about what a call returns.
      "@typescript-eslint/await-thenable": "error",
      // verbatimModuleSyntax keeps every import that is not marked `type`; this marks them.
      "@typescript-eslint/consistent-type-imports": "error",
      // `const { [name]: _dropped, ...rest } = body` is how a property is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    files: ["src/**/*.ts", "test/**/*.{ts,mjs}", "bench/**/*.js", "packages/*/src/**/*.ts", "examples/**/*.js"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["web/src/**/*.{ts,tsx}"],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
);
