import { useState } from "react";
import { ErrorText } from "../components/ErrorText";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { AccountRole, User } from "../types";

const ROLES: AccountRole[] = ["admin", "member", "annotator"];

/** Changes a user's account role in place; a refusal's detail shows right here. */
export function UserRoleCell({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { client } = useSession();
  const [role, setRole] = useState<AccountRole>(user.role);
  const action = useAction();
  if (user.status === "inactive") return <>{user.role}</>;
  const save = async () => {
    const result = await action.run(() => client.patch<User>(`/v2/users/${encodeURIComponent(user.id)}`, { role }));
    if (result.ok) onChanged();
  };
  return (
    <div className="inline-edit">
      <select aria-label={`Account role of ${user.name}`} value={role} onChange={(event) => setRole(event.target.value as AccountRole)}>
        {ROLES.map((value) => (
          <option key={value}>{value}</option>
        ))}
      </select>
      {role !== user.role && (
        <button type="button" onClick={() => void save()} disabled={action.pending} aria-label={`Save role of ${user.name}`}>
          Save
        </button>
      )}
      <ErrorText error={action.error} />
    </div>
  );
}
