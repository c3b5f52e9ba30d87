/**
 * The import rules of docs/architecture.md, checked by `npm run lint:deps`
 * (part of `npm test`). Layers, bottom up:
 *   0  config/, http/, version.ts      configuration and HTTP helpers
 *   1  store/                          tables, queries, backends, keyset pages
 *   2  auth/                           key format, principal, permissions, Actor, gates
 *   3  features/                       apikeys, audit, identity/*, whoami
 *   4  app.ts, server.ts, cli/         the process
 * A module imports only from its own layer or below; a feature folder (one with
 * an index.ts) is entered from outside only through that index.ts.
 */
const LAYER = {
  config: "^src/(config/|http/|version\\.ts$)",
  store: "^src/store/",
  auth: "^src/auth/",
  features: "^src/features/",
  top: "^src/(app\\.ts|server\\.ts|cli/)",
};

const upward = (name, from, to) => ({
  name,
  severity: "error",
  comment: "a layer imports only from the layers below it (docs/architecture.md)",
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    upward("config-and-http-import-nothing-above", LAYER.config, `${LAYER.store}|${LAYER.auth}|${LAYER.features}|${LAYER.top}`),
    upward("store-imports-no-auth-features-or-app", LAYER.store, `${LAYER.auth}|${LAYER.features}|${LAYER.top}`),
    upward("auth-imports-no-features-or-app", LAYER.auth, `${LAYER.features}|${LAYER.top}`),
    upward("features-import-no-app", LAYER.features, LAYER.top),
    {
      name: "feature-entered-through-its-index",
      severity: "error",
      comment: "code outside a feature reaches it only through its index.ts",
      from: { path: "^src/", pathNot: "^src/features/" },
      to: { path: "^src/features/", pathNot: "^src/features/[^/]+/index\\.ts$" },
    },
    {
      name: "features-enter-each-other-through-index",
      severity: "error",
      comment: "one feature reaches another only through the other's index.ts",
      from: { path: "^src/features/([^/]+)/" },
      to: { path: "^src/features/", pathNot: ["^src/features/$1/", "^src/features/[^/]+/index\\.ts$"] },
    },
    {
      name: "identity-parts-enter-each-other-through-index",
      severity: "error",
      comment: "organizations, spaces, users, memberships and common reach each other only through their index.ts",
      from: { path: "^src/features/identity/([^/]+)/" },
      to: { path: "^src/features/identity/[^/]+/", pathNot: ["^src/features/identity/$1/", "^src/features/identity/[^/]+/index\\.ts$"] },
    },
    {
      name: "identity-top-enters-parts-through-index",
      severity: "error",
      from: { path: "^src/features/identity/[^/]+\\.ts$" },
      to: { path: "^src/features/identity/[^/]+/", pathNot: "^src/features/identity/[^/]+/index\\.ts$" },
    },
    {
      name: "audit-is-a-leaf",
      severity: "error",
      comment: "every feature records through audit; audit depends on no other feature",
      from: { path: "^src/features/audit/" },
      to: { path: "^src/features/", pathNot: "^src/features/audit/" },
    },
    {
      name: "store-backends-stay-inside-the-store",
      severity: "error",
      comment: "sqlite/ and postgres/ are reached through store/open.ts and the Store interface",
      from: { path: "^src/", pathNot: "^src/store/" },
      to: { path: "^src/store/(sqlite|postgres)/" },
    },
    {
      name: "console-reads-only-wire-types",
      severity: "error",
      comment: "the console shares the server's wire types (schemas.ts, type-only) and nothing else of src/",
      from: { path: "^web/src/" },
      to: { path: "^src/", pathNot: ["^src/features/[^/]+/schemas\\.ts$", "^src/features/identity/common/schemas\\.ts$"] },
    },
    {
      name: "console-wire-types-are-type-only",
      severity: "error",
      from: { path: "^web/src/" },
      to: { path: "^src/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "an import that resolves to nothing",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "a cycle makes two modules one; break it by moving the shared part down a layer",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
  },
};
