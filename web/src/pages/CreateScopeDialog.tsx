import { useState, type FormEvent } from "react";
import { Dialog } from "../components/Dialog";
import { Field } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { SelectField } from "../components/SelectField";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { Organization } from "../types";
import { orgChoices, SCOPES, type ScopeKind } from "./scopes";

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
          <SelectField
            label="Organization"
            value={form.organizationId}
            onChange={(organizationId) => setForm({ ...form, organizationId })}
            choices={orgChoices(props.organizations)}
            placeholder="Choose an organization"
            required
          />
        )}
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
        <Field label="Description (optional)">
          {(id) => (
            <textarea
              id={id}
              rows={2}
              value={form.description}
              onChange={(event) => setForm({ ...form, description: event.target.value })}
            />
          )}
        </Field>
        <FormActions submitLabel={`Create ${singular}`} pending={action.pending} error={action.error} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
