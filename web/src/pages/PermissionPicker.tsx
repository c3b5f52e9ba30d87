import { useId, useState } from "react";
import { Field } from "../components/Field";

/** A permission's group: its name without the last word (`PROJECT_SPAN_READ` is in `PROJECT_SPAN`). */
function groupOf(permission: string): string {
  const cut = permission.lastIndexOf("_");
  return cut <= 0 ? permission : permission.slice(0, cut);
}

function groups(permissions: readonly string[]): [string, string[]][] {
  const byGroup = new Map<string, string[]>();
  for (const permission of [...permissions].sort()) {
    const group = groupOf(permission);
    byGroup.set(group, [...(byGroup.get(group) ?? []), permission]);
  }
  return [...byGroup];
}

/** The permissions of a role, grouped by what they act on; read-only when `onChange` is absent. */
export function PermissionList({ permissions }: { permissions: readonly string[] }) {
  return (
    <div className="permission-groups">
      {groups(permissions).map(([group, members]) => (
        <div key={group} className="permission-group">
          <h3>{group}</h3>
          <ul>
            {members.map((permission) => (
              <li key={permission}>
                <code>{permission}</code>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

/**
 * Checkboxes for every permission of the catalog, grouped, with a filter and
 * a start from a predefined role's set.
 */
export function PermissionPicker(props: {
  catalog: readonly string[];
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
  presets: { name: string; permissions: readonly string[] }[];
}) {
  const [filter, setFilter] = useState("");
  const countId = useId();
  const words = filter.trim().toUpperCase().replace(/\s+/g, "_");
  const shown = props.catalog.filter((permission) => permission.includes(words));
  const toggle = (permission: string, on: boolean) => {
    const next = new Set(props.selected);
    if (on) next.add(permission);
    else next.delete(permission);
    props.onChange(next);
  };
  return (
    <fieldset className="permissions" aria-describedby={countId}>
      <legend>Permissions</legend>
      <p className="hint" id={countId} aria-live="polite">
        {props.selected.size} of {props.catalog.length} selected
      </p>
      <div className="filters">
        <Field label="Filter permissions">
          {(id) => <input id={id} type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />}
        </Field>
        <Field label="Start from">
          {(id) => (
            <select
              id={id}
              value=""
              onChange={(event) => {
                const preset = props.presets.find((p) => p.name === event.target.value);
                if (preset) props.onChange(new Set(preset.permissions));
              }}
            >
              <option value="">Choose a predefined role…</option>
              {props.presets.map((preset) => (
                <option key={preset.name} value={preset.name}>
                  {preset.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={() => props.onChange(new Set())}>
          Clear all
        </button>
      </div>
      <div className="permission-groups">
        {groups(shown).map(([group, members]) => (
          <div key={group} className="permission-group" role="group" aria-label={group}>
            <h3 aria-hidden="true">{group}</h3>
            {members.map((permission) => (
              <label key={permission} className="checkbox">
                <input
                  type="checkbox"
                  checked={props.selected.has(permission)}
                  onChange={(event) => toggle(permission, event.target.checked)}
                />
                <code>{permission}</code>
              </label>
            ))}
          </div>
        ))}
        {shown.length === 0 && <p className="empty">No permission matches “{filter}”.</p>}
      </div>
    </fieldset>
  );
}
