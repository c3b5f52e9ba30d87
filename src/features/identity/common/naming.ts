import type { Selectable } from "kysely";
import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { recordAudit, type AuditAction, type AuditTarget } from "../../audit/index.js";
import { ProblemError } from "../../../http/problem.js";
import type { Database } from "../../../store/schema.js";
import { updateLive, type SoftDeletedTable } from "../../../store/queries/soft-delete.js";
import type { Db, Store } from "../../../store/store.js";

/** A change to a named resource (organization or space). */
export interface NamedPatch {
  name?: string;
  description?: string;
}

/** "1 space", "3 spaces": a count and its noun, for details people read. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A name of only spaces reads as empty in every list: refuse it. */
export function requireNotBlank(name: string, field = 'body "name"'): void {
  if (name.trim() === "") throw new ProblemError("VALIDATION_FAILED", { detail: `${field} must not be blank` });
}

/** A PATCH must change something; an empty body is a mistake, not a no-op. */
export function requireChange(patch: object, fields = "name, description"): void {
  if (Object.values(patch).every((value) => value === undefined)) {
    throw new ProblemError("VALIDATION_FAILED", { detail: `the body must set at least one of: ${fields}` });
  }
}

/** The audit details of a patch: each changed field's value before and after. */
export function changesOf<T extends object>(current: T, patch: Partial<T>): { before: Partial<T>; after: Partial<T> } {
  const before: Partial<T> = {};
  const after: Partial<T> = {};
  for (const key of Object.keys(patch) as (keyof T)[]) {
    if (patch[key] === undefined) continue;
    before[key] = current[key];
    after[key] = patch[key];
  }
  return { before, after };
}

/**
 * Runs a write in a transaction and turns a unique-constraint violation into
 * 409. The caller checks for a duplicate first to say something precise; the
 * constraint is what holds when two requests race.
 */
export async function writeUnique<T>(store: Store, conflict: () => ProblemError, write: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await store.transaction(write);
  } catch (error) {
    if (store.isUniqueViolation(error)) throw conflict();
    throw error;
  }
}

/** An organization or space about to be patched, checked for the caller already. */
export interface NamedTarget<T extends SoftDeletedTable> {
  table: T;
  current: { id: number; name: string; description: string };
  target: AuditTarget;
  action: AuditAction;
  /** The live row of the same account or organization holding this name, if any. */
  holderOf: (name: string) => Promise<{ id: number } | undefined>;
  nameTaken: (name: string) => ProblemError;
  gone: () => ProblemError;
}

/** PATCH of an organization or space: unique name (409), guarded update, one audit event. */
export async function patchNamed<T extends SoftDeletedTable>(
  deps: Pick<FeatureDeps, "store" | "now">,
  actor: Actor,
  target: NamedTarget<T>,
  patch: NamedPatch,
): Promise<Selectable<Database[T]>> {
  const { current } = target;
  if (patch.name !== undefined) {
    requireNotBlank(patch.name);
    const holder = await target.holderOf(patch.name);
    if (holder && holder.id !== current.id) throw target.nameTaken(patch.name);
  }
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => target.nameTaken(patch.name ?? ""),
    async (tx) => {
      const updated = await updateLive(tx, target.table, current.id, patch);
      if (!updated) throw target.gone();
      await recordAudit(tx, { actor, at: now, action: target.action, targets: [target.target], details: changesOf(current, patch) });
      return updated;
    },
  );
}
