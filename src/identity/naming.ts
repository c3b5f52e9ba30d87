import { ProblemError } from "../http/problem.js";
import type { Db, Store } from "../store/store.js";

/** A change to a named resource (organization or space). */
export interface NamedPatch {
  name?: string;
  description?: string;
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
