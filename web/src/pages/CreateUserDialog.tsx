import { useState, type FormEvent } from "react";
import { Dialog } from "../components/Dialog";
import { Field } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { SelectField } from "../components/SelectField";
import { useAction } from "../hooks";
import { useSession } from "../session";
import { roleAssignment, type AccountRole, type User } from "../types";

/**
 * Creates a user: active at once (invite_mode none; issue their first key from
 * the list), or invited with a one-time link (email_link: mailed when the
 * server has a mail server; the list's "Invitation link" shows it to copy).
 */
export function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { client } = useSession();
  const [form, setForm] = useState({ name: "", email: "", role: "member" as AccountRole, isDeveloper: true, invite: false });
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      name: form.name,
      email: form.email,
      role: roleAssignment(form.role),
      invite_mode: form.invite ? "email_link" : "none",
      is_developer: form.isDeveloper,
    };
    const result = await action.run(() => client.post<User>("/v2/users", body));
    if (result.ok) {
      onCreated();
      onClose();
    }
  };
  return (
    <Dialog title="Create user" onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <Field label="Name">
          {(id) => (
            <input
              id={id}
              value={form.name}
              onChange={(event) => setForm({ ...form, name: event.target.value })}
              required
              autoComplete="off"
            />
          )}
        </Field>
        <Field label="Email">
          {(id) => (
            <input
              id={id}
              type="email"
              value={form.email}
              onChange={(event) => setForm({ ...form, email: event.target.value })}
              required
              autoComplete="off"
            />
          )}
        </Field>
        <SelectField
          label="Account role"
          value={form.role}
          choices={["member", "admin", "annotator"]}
          onChange={(value) => {
            const role = value as AccountRole;
            setForm({ ...form, role, isDeveloper: role !== "annotator" });
          }}
        />
        <label className="checkbox">
          <input type="checkbox" checked={form.isDeveloper} onChange={(event) => setForm({ ...form, isDeveloper: event.target.checked })} />
          Developer: may use the API and hold keys
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.invite} onChange={(event) => setForm({ ...form, invite: event.target.checked })} />
          Invite: send a one-time link to create their first key (valid 7 days)
        </label>
        <FormActions submitLabel="Create user" pending={action.pending} error={action.error} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
