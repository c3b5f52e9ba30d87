import { displayText, StoredText } from "../components/StoredText";
import { ListTable } from "../components/ListTable";
import { useState } from "react";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CreateKeyDialog } from "../components/CreateKeyDialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { Pager } from "../components/Pager";
import { SelectField } from "../components/SelectField";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useSession } from "../session";
import { RoleEditor } from "../components/RoleEditor";
import { roleAssignment, type User } from "../types";
import { ClaimLinkDialog } from "./ClaimLinkDialog";
import { CreateUserDialog } from "./CreateUserDialog";
import { RemoveUserText } from "./RemoveUserText";

const STATUSES = ["active", "invited", "expired"] as const;
const ACCOUNT_ROLES = ["admin", "member", "annotator"] as const;

type Open =
  | { kind: "create" }
  | { kind: "issue"; user: User }
  | { kind: "remove"; user: User }
  | { kind: "link"; user: User }
  | { kind: "resend"; user: User }
  | { kind: "reset"; user: User }
  | null;

/** Account admins: people, their account roles, invitations and recovery links, first keys, and removal. */
export function UsersPage() {
  const { client, me } = useSession();
  const [email, setEmail] = useState("");
  const [status, setStatus] = useState("");
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const query = { email, status, limit: 50 };
  const list = usePaged({
    key: ["users", query],
    load: (cursor) => client.page<User>("/v2/users", "users", { ...query, cursor }),
    pageSize: query.limit,
  });
  const close = () => setOpen(null);

  return (
    <section aria-labelledby="users-heading" aria-busy={list.loading}>
      <div className="page-head">
        <h1 id="users-heading">Users</h1>
        <button type="button" className="primary" onClick={() => setOpen({ kind: "create" })}>
          Create user
        </button>
      </div>
      <div className="filters">
        <Field label="Email contains">
          {(id) => <input id={id} type="search" value={email} onChange={(event) => setEmail(event.target.value)} />}
        </Field>
        <SelectField label="Status" value={status} onChange={setStatus} choices={STATUSES} placeholder="any" />
      </div>
      <p className="status" role="status">
        {notice}
      </p>
      <ErrorText error={list.error} />
      <ListTable columns={["Name", "Email", "Account role", "Status", "Created"]}>
        {list.items.map((user) => (
          <tr key={user.id}>
            <th scope="row" data-label="Name">
              <StoredText text={user.name} />
              {user.id === me.userId && <span className="description">you</span>}
            </th>
            <td data-label="Email">
              <StoredText text={user.email} />
            </td>
            <td data-label="Account role">
              {user.id === me.userId ? (
                // Your own account role is changed by another admin, never from your own row.
                <span>{user.role.name}</span>
              ) : (
                <RoleEditor
                  key={user.role.name}
                  label={`Account role of ${displayText(user.name)}`}
                  current={user.role.name}
                  roles={ACCOUNT_ROLES}
                  onSave={(role) => client.patch(`/v2/users/${encodeURIComponent(user.id)}`, { role: roleAssignment(role) })}
                  onSaved={(role) => {
                    setNotice(`${displayText(user.name)} is now ${role}.`);
                    list.reload();
                  }}
                />
              )}
            </td>
            <td data-label="Status">
              {user.status}
              {!user.is_developer && <span className="description">no API access</span>}
            </td>
            <td data-label="Created">
              <time dateTime={user.created_at}>{formatDateTime(user.created_at)}</time>
            </td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  onClick={() => setOpen({ kind: "link", user })}
                  aria-label={`${user.status === "active" ? "Recovery link" : "Invitation link"} for ${displayText(user.name)}`}
                >
                  {user.status === "active" ? "Recovery link" : "Invitation link"}
                </button>
                {user.status === "active" ? (
                  <button
                    type="button"
                    onClick={() => setOpen({ kind: "reset", user })}
                    aria-label={`Mail a recovery link to ${displayText(user.name)}`}
                  >
                    Mail a recovery link
                  </button>
                ) : (
                  <button
                    type="button"
                    onClick={() => setOpen({ kind: "resend", user })}
                    aria-label={`Resend the invitation to ${displayText(user.name)}`}
                  >
                    Resend
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => setOpen({ kind: "issue", user })}
                  aria-label={`Issue a key for ${displayText(user.name)}`}
                >
                  Issue a key
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => setOpen({ kind: "remove", user })}
                  aria-label={`Remove ${displayText(user.name)}`}
                >
                  Remove
                </button>
              </div>
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={list} label="Users" />
      {open?.kind === "create" && <CreateUserDialog onClose={close} onCreated={list.reload} />}
      {open?.kind === "issue" && (
        <CreateKeyDialog
          defaultType="user"
          defaultSpaceId=""
          spaces={[]}
          forUser={{ id: open.user.id, name: open.user.name }}
          onClose={close}
          onCreated={() => undefined}
        />
      )}
      {open?.kind === "link" && <ClaimLinkDialog user={open.user} onClose={close} onIssued={list.reload} />}
      {(open?.kind === "resend" || open?.kind === "reset") && (
        <ConfirmDialog
          title={
            open.kind === "resend"
              ? `Resend the invitation to ${displayText(open.user.name)}?`
              : `Mail a recovery link to ${displayText(open.user.name)}?`
          }
          confirmLabel={open.kind === "resend" ? "Resend invitation" : "Mail recovery link"}
          onConfirm={() =>
            client.post(`/v2/users/${encodeURIComponent(open.user.id)}/${open.kind === "resend" ? "resend-invitation" : "reset-password"}`)
          }
          onClose={close}
          onDone={list.reload}
        >
          <p>
            {open.kind === "resend"
              ? "A new invitation link, valid 7 days, is mailed to them; the link they had stops working."
              : "A one-time recovery link, valid 24 hours, is mailed to them; opening it creates a new API key. Their existing keys keep working."}{" "}
            Without a mail server configured nothing is sent: use the link button instead and hand the link over.
          </p>
        </ConfirmDialog>
      )}
      {open?.kind === "remove" && (
        <ConfirmDialog
          title={`Remove ${displayText(open.user.name)}?`}
          confirmLabel={`Remove ${displayText(open.user.name)}`}
          onConfirm={() => client.delete(`/v2/users/${encodeURIComponent(open.user.id)}`)}
          onClose={close}
          onDone={list.reload}
        >
          <RemoveUserText user={open.user} />
        </ConfirmDialog>
      )}
    </section>
  );
}
