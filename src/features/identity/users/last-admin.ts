import { ProblemError } from "../../../http/problem.js";
import { lockAccountAdmins } from "../../../store/queries/admins.js";
import type { UserRow } from "../../../store/queries/identity.js";
import type { Tx } from "../../../store/store.js";

/**
 * The account's lock-out guard (SPEC §7, docs/identity.md "The last admin"):
 * the account always keeps at least one active human account admin with the
 * developer flag, whoever asks (a service key with account role admin
 * included). Only such a user counts: an admin without the flag still passes
 * the API check, but SPEC names stripping the flag as a lock-out.
 */

/** True when the user keeps the account administrable: an active human admin with the developer flag. */
export function keepsAccountAdministrable(user: Pick<UserRow, "kind" | "role" | "status" | "is_developer">): boolean {
  return user.kind === "human" && user.role === "admin" && user.status === "active" && user.is_developer === 1;
}

/**
 * Locks the set of qualifying admins for the rest of the transaction and returns
 * their ids. Call it before locking the user a change is about (the one lock
 * order: the admin set, then that user), then pass the result to
 * refuseLastAdmin once the change is known.
 */
export function lockAdminSet(tx: Tx): Promise<number[]> {
  return lockAccountAdmins(tx);
}

/**
 * Refuses (422) a change that makes `user` stop qualifying when no other user
 * of the locked set `admins` does. `what` says what the change does, for a
 * person: "demote", "delete", …; `field` is the body field that asks for it.
 */
export function refuseLastAdmin(admins: readonly number[], user: UserRow, what: string, field?: string): void {
  if (!keepsAccountAdministrable(user) || admins.some((id) => id !== user.id)) return;
  const prefix = field === undefined ? "" : `body "${field}": `;
  throw new ProblemError("INVALID_STATE", {
    detail:
      `${prefix}cannot ${what} this user: they are the account's last active admin with developer access, ` +
      "and the account must keep one; first make another active user an admin with developer access",
  });
}
