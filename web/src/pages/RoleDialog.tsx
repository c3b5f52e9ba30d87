import { useState, type FormEvent } from "react";
import type { Role } from "../access";
import { Dialog } from "../components/Dialog";
import { Field } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { displayText } from "../components/StoredText";
import { useAction } from "../hooks";
import { useSession } from "../session";
import { PermissionList, PermissionPicker } from "./PermissionPicker";

/** A predefined role's permissions, read-only. */
export function ViewRoleDialog({ role, onClose }: { role: Role; onClose: () => void }) {
  return (
    <Dialog title={`Permissions of ${displayText(role.name)}`} onClose={onClose}>
      <p>
        {role.is_predefined ? "A predefined role: the same in every keyhouse, read-only." : "A custom role of this account."}{" "}
        {role.permissions.length} permissions.
      </p>
      <PermissionList permissions={role.permissions} />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/** Creates a custom role, or edits one (name, description, the permission set, which replaces the old one). */
export function RoleDialog(props: {
  role: Role | undefined;
  catalog: readonly string[];
  presets: Role[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { client } = useSession();
  const { role } = props;
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [selected, setSelected] = useState<Set<string>>(() => new Set(role?.permissions ?? []));
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The server checks the set (at least one, every name known) and answers with a sentence when it refuses.
    const body = { name, description: description.trim() === "" ? null : description, permissions: [...selected].sort() };
    const result = await action.run(() =>
      role === undefined ? client.post("/v2/roles", body) : client.patch(`/v2/roles/${encodeURIComponent(role.id)}`, body),
    );
    if (result.ok) {
      props.onSaved();
      props.onClose();
    }
  };
  return (
    <Dialog title={role === undefined ? "Create role" : `Edit ${displayText(role.name)}`} onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)} className="wide">
        <Field label="Name">
          {(id) => (
            <input id={id} value={name} onChange={(event) => setName(event.target.value)} maxLength={255} required autoComplete="off" />
          )}
        </Field>
        <Field label="Description (optional)">
          {(id) => (
            <textarea id={id} rows={2} maxLength={1000} value={description} onChange={(event) => setDescription(event.target.value)} />
          )}
        </Field>
        <PermissionPicker
          catalog={props.catalog}
          selected={selected}
          onChange={setSelected}
          presets={props.presets.map((p) => ({ name: p.name, permissions: p.permissions }))}
        />
        <FormActions
          submitLabel={role === undefined ? "Create role" : "Save role"}
          pending={action.pending}
          error={action.error}
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}
