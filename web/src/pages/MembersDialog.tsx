import { displayText, StoredText } from "../components/StoredText";
import { ListTable } from "../components/ListTable";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorDetail } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { Pager } from "../components/Pager";
import { RoleEditor } from "../components/RoleEditor";
import { SelectField } from "../components/SelectField";
import { useAction, usePaged } from "../hooks";
import { useSession } from "../session";
import { roleAssignment, type Membership, type User } from "../types";
import { MEMBER_ROLES, SCOPES, userChoices, type ScopeKind } from "./scopes";

/** Removing asks first, in the row; the dialog then says who was removed. */
function RemoveMember({
  name,
  from,
  onRemove,
  onRemoved,
}: {
  name: string;
  from: string;
  onRemove: () => Promise<unknown>;
  onRemoved: () => void;
}) {
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const remove = async () => {
    if ((await action.run(onRemove)).ok) onRemoved();
  };
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Remove {name}
      </button>
    );
  }
  return (
    <div className="confirm-inline" role="group" aria-label={`Remove ${name}?`}>
      <p>
        Remove {name} from {from}? They lose their role here at once.
      </p>
      <div className="row-actions">
        <button type="button" onClick={() => setAsking(false)} autoFocus>
          Keep
        </button>
        <button type="button" className="danger" onClick={() => void remove()} disabled={action.pending}>
          Yes, remove {name}
        </button>
      </div>
      <ErrorText error={action.error} />
    </div>
  );
}

/** The members of an organization or a space: change a role, remove, add (an upsert of the role). */
export function MembersDialog({ scope, target, onClose }: { scope: ScopeKind; target: { id: string; name: string }; onClose: () => void }) {
  const { client, me } = useSession();
  const base = `${SCOPES[scope].path}/${encodeURIComponent(target.id)}/users`;
  const members = usePaged({
    key: ["members", base],
    load: (cursor) => client.page<Membership>(base, "memberships", { limit: 20, cursor }),
    pageSize: 20,
  });
  const usersQuery = useQuery({ queryKey: ["users", "all"], queryFn: () => client.all<User>("/v2/users", "users") });
  const users = usersQuery.data ?? [];
  const usersError = usersQuery.error === null ? undefined : errorDetail(usersQuery.error);
  const [form, setForm] = useState({ userId: "", role: "member" });
  const add = useAction();
  const nameOf = (id: string) => (id === me.userId ? "you" : (users.find((user) => user.id === id)?.name ?? "another user"));
  const setRole = (userId: string, role: string) => client.post(base, { user_id: userId, role: roleAssignment(role) });
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const addMember = async () => {
    if ((await add.run(() => setRole(form.userId, form.role))).ok) {
      setNotice(`${displayText(nameOf(form.userId))} is now ${form.role} in ${displayText(target.name)}.`);
      members.reload();
    }
  };

  return (
    <Dialog title={`Members of ${displayText(target.name)}`} onClose={onClose}>
      <p className="status" role="status">
        {notice}
      </p>
      <ErrorText error={members.error} />
      <ListTable columns={["Member", "Role"]} busy={members.loading} className="members">
        {members.items.map((member) => (
          <tr key={member.id}>
            <th scope="row" data-label="Member">
              <StoredText text={nameOf(member.user_id)} />
            </th>
            <td data-label="Role">
              {member.user_id === me.userId ? (
                <span>
                  {member.role.name} <span className="muted">(you)</span>
                </span>
              ) : (
                <RoleEditor
                  key={member.role.name}
                  label={`Role of ${displayText(nameOf(member.user_id))} in ${displayText(target.name)}`}
                  current={member.role.name}
                  roles={MEMBER_ROLES}
                  onSave={(role) => setRole(member.user_id, role)}
                  onSaved={(role) => {
                    setNotice(`${displayText(nameOf(member.user_id))} is now ${role} in ${displayText(target.name)}.`);
                    members.reload();
                  }}
                />
              )}
            </td>
            <td>
              <RemoveMember
                name={displayText(nameOf(member.user_id))}
                from={displayText(target.name)}
                onRemove={() => client.delete(`${base}/${encodeURIComponent(member.user_id)}`)}
                onRemoved={() => {
                  setNotice(`${displayText(nameOf(member.user_id))} was removed from ${displayText(target.name)}.`);
                  members.reload();
                }}
              />
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={members} label="Members" />
      <fieldset>
        <legend>Add a member or set a role</legend>
        <ErrorText error={usersError} />
        <SelectField
          label="User"
          value={form.userId}
          onChange={(userId) => setForm({ ...form, userId })}
          choices={userChoices(users)}
          placeholder="Choose a user"
        />
        <SelectField label="Role" value={form.role} onChange={(role) => setForm({ ...form, role })} choices={MEMBER_ROLES} />
        <div className="actions">
          <button type="button" className="primary" onClick={() => void addMember()} disabled={form.userId === "" || add.pending}>
            Add to <StoredText text={target.name} />
          </button>
        </div>
        <ErrorText error={add.error} />
      </fieldset>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
