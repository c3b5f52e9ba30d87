import { useState } from "react";
import { useAction } from "../hooks";
import { ErrorText } from "./ErrorText";

/** A role picker with its own Save button; a refusal's detail shows right beside it. */
export function RoleEditor(props: {
  label: string;
  current: string;
  roles: readonly string[];
  onSave: (role: string) => Promise<unknown>;
  /** Called with the new role once the server took it (the parent says so, and reloads). */
  onSaved: (role: string) => void;
}) {
  const [role, setRole] = useState(props.current);
  const action = useAction();
  const save = async () => {
    const result = await action.run(() => props.onSave(role));
    if (result.ok) props.onSaved(role);
  };
  return (
    <div className="inline-edit">
      <select aria-label={props.label} value={role} onChange={(event) => setRole(event.target.value)}>
        {props.roles.map((value) => (
          <option key={value}>{value}</option>
        ))}
      </select>
      {role !== props.current && (
        <button type="button" onClick={() => void save()} disabled={action.pending}>
          Save
        </button>
      )}
      <ErrorText error={action.error} />
    </div>
  );
}
