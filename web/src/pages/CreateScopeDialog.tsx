import { useState, type FormEvent } from "react";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { Organization } from "../types";
import { SCOPES, type ScopeKind } from "./scopes";

/** Creates an organization, or a space in a chosen organization. */
export function CreateScopeDialog(props: { scope: ScopeKind; organizations: Organization[]; onClose: () => void; onCreated: () => void }) {
  const { client } = useSession();
  const { singular, path } = SCOPES[props.scope];
  const [form, setForm] = useState({ name: "", description: "", organizationId: props.organizations[0]?.id ?? "" });
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, string> = { name: form.name, description: form.description };
    if (props.scope === "spaces") body.organization_id = form.organizationId;
    const result = await action.run(() => client.post(path, body));
    if (result.ok) {
      props.onCreated();
      props.onClose();
    }
  };
  return (
    <Dialog title={`Create ${singular}`} onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)}>
        {props.scope === "spaces" && (
          <Field label="Organization">
            {(id) => (
              <select id={id} value={form.organizationId} onChange={(event) => setForm({ ...form, organizationId: event.target.value })} required>
                <option value="">Choose an organization</option>
                {props.organizations.map((org) => (
                  <option key={org.id} value={org.id}>
                    {org.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Name">{(id) => <input id={id} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required autoComplete="off" />}</Field>
        <Field label="Description (optional)">
          {(id) => <textarea id={id} rows={2} value={form.description} onChange={(event) => setForm({ ...form, description: event.target.value })} />}
        </Field>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.pending}>
            Create {singular}
          </button>
        </div>
        <ErrorText error={action.error} />
      </form>
    </Dialog>
  );
}
