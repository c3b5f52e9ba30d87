import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

/**
 * Tables whose changes can change who a key authenticates as, whether it does,
 * or what it may do (roles, bindings, restrictions and projects feed the
 * permissions of every principal, docs/access-control.md).
 */
const AUTH_TABLES = new Set(["api_keys", "users", "memberships", "projects", "roles", "role_bindings", "resource_restrictions"]);
/** Tables where a new row alone grants or takes away a permission. */
const GRANTING_INSERTS = new Set(["memberships", "role_bindings", "resource_restrictions"]);
/** Columns whose update never changes an authentication result. */
const HARMLESS_COLUMNS = new Set(["last_used_at"]);

/** The table a table, alias or FROM node names (the first of a FROM). */
export function tableOf(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case "TableNode":
      return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
    case "AliasNode":
      return tableOf((node as unknown as { node: OperationNode }).node);
    case "FromNode":
      return tableOf((node as unknown as { froms: OperationNode[] }).froms[0]);
    default:
      return undefined;
  }
}

/** The column a ColumnUpdateNode sets. */
function columnOf(update: OperationNode): string | undefined {
  return (update as unknown as { column?: { column?: { name?: string } } }).column?.column?.name;
}

/**
 * True when a statement may change an authentication result: any update or
 * delete of keys, users, memberships or access-control rows (except last-use
 * bookkeeping), and any new membership, role binding or restriction. New keys,
 * users, projects and roles change nothing already cached.
 */
export function affectsAuthentication(node: RootOperationNode): boolean {
  switch (node.kind) {
    case "UpdateQueryNode": {
      if (!AUTH_TABLES.has(tableOf(node.table) ?? "")) return false;
      const columns = (node.updates ?? []).map(columnOf);
      return !columns.every((c) => c !== undefined && HARMLESS_COLUMNS.has(c));
    }
    case "DeleteQueryNode":
      return node.from.froms.some((f) => AUTH_TABLES.has(tableOf(f) ?? ""));
    case "InsertQueryNode":
      return GRANTING_INSERTS.has(tableOf(node.into) ?? "");
    case "RawNode": {
      // Raw SQL is opaque: any write that names a watched table counts.
      const text = node.sqlFragments.join(" ").toLowerCase();
      return /^\s*(update|delete|insert|truncate)/.test(text) && [...AUTH_TABLES].some((t) => text.includes(t));
    }
    default:
      return false;
  }
}

/** Marks a transaction dirty when one of its statements affects authentication. */
export class TransactionWatch implements KyselyPlugin {
  dirty = false;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!this.dirty && affectsAuthentication(args.node)) this.dirty = true;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Calls `onWrite` after a statement outside any transaction has affected authentication. */
export class AutocommitWatch implements KyselyPlugin {
  readonly #pending = new WeakSet<object>();

  constructor(private readonly onWrite: () => Promise<void>) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (affectsAuthentication(args.node)) this.#pending.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#pending.has(args.queryId)) {
      this.#pending.delete(args.queryId);
      await this.onWrite();
    }
    return args.result;
  }
}
