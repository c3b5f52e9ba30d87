import { useEffect, useState } from "react";
import { errorDetail } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { User } from "../types";
import { MEMBER_ROLES, roleAssignment, SCOPES, type ScopeKind } from "./scopes";

/** Sets (upserts) or removes one user's role in an organization or a space. */
export function MembersDialog({ scope, target, onClose }: { scope: ScopeKind; target: { id: string; name: string }; onClose: () => void }) {
  const { client } = useSession();
  const [users, setUsers] = useState<User[]>([]);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<string>("member");
  const [done, setDone] = useState<string | undefined>(undefined);
  const save = useAction();
  const remove = useAction();
  useEffect(() => {
    client.all<User>("/v2/users", "users", { status: "active" }).then(setUsers, (error: unknown) => setLoadError(errorDetail(error)));
  }, [client]);

  const base = `${SCOPES[scope].path}/${encodeURIComponent(target.id)}/users`;
  const userName = users.find((user) => user.id === userId)?.name ?? "the user";
  const setMemberRole = async () => {
    setDone(undefined);
    const result = await save.run(() => client.post(base, { user_id: userId, role: roleAssignment(role) }));
    if (result.ok) setDone(`${userName} is now ${role} in ${target.name}.`);
  };
  const removeMember = async () => {
    setDone(undefined);
    const result = await remove.run(() => client.delete(`${base}/${encodeURIComponent(userId)}`));
    if (result.ok) setDone(`${userName} no longer belongs to ${target.name}.`);
  };

  return (
    <Dialog title={`Members of ${target.name}`} onClose={onClose}>
      <ErrorText error={loadError} />
      <Field label="User">
        {(id) => (
          <select id={id} value={userId} onChange={(event) => setUserId(event.target.value)}>
            <option value="">Choose a user</option>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name} ({user.email})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Role">
        {(id) => (
          <select id={id} value={role} onChange={(event) => setRole(event.target.value)}>
            {MEMBER_ROLES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void setMemberRole()} disabled={userId === "" || save.pending}>
          Set role
        </button>
      </div>
      <ErrorText error={save.error} />
      <div className="actions">
        <button type="button" className="danger" onClick={() => void removeMember()} disabled={userId === "" || remove.pending}>
          Remove from {target.name}
        </button>
      </div>
      <ErrorText error={remove.error} />
      <p className="notice-line" aria-live="polite">
        {done}
      </p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
