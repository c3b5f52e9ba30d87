import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorDetail } from "../api";
import { spaceLabel, type MySpace, type Project, type Role, type RoleBinding } from "../access";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { FormActions } from "../components/FormActions";
import { ListTable } from "../components/ListTable";
import { Pager } from "../components/Pager";
import { SelectField } from "../components/SelectField";
import { displayText, StoredText } from "../components/StoredText";
import { formatDateTime } from "../format";
import { useAction, usePaged } from "../hooks";
import { useMyAccess } from "../my-access";
import { useSession } from "../session";
import type { User } from "../types";
import { userChoices } from "./scopes";
import { ListState } from "./ListState";

const RESOURCE_TYPES = [
  { value: "SPACE", label: "Spaces" },
  { value: "PROJECT", label: "Projects" },
];

/** The names the bindings refer to: users, roles and projects, each read once for the page. */
interface Names {
  users: User[];
  roles: Role[];
  projects: Project[];
}

const NO_NAMES: Names = { users: [], roles: [], projects: [] };

/**
 * Cached under the bindings list's key (["role-bindings", "names"]): the
 * list's reload after a grant, change or removal reads them again.
 */
function useNames(): { names: Names; error: string | undefined } {
  const { client } = useSession();
  const query = useQuery({
    queryKey: ["role-bindings", "names"],
    queryFn: async (): Promise<Names> => {
      const [users, roles, projects] = await Promise.all([
        client.all<User>("/v2/users", "users"),
        client.all<Role>("/v2/roles", "roles"),
        client.all<Project>("/v2/projects", "projects"),
      ]);
      return { users, roles, projects };
    },
  });
  return { names: query.data ?? NO_NAMES, error: query.error === null ? undefined : errorDetail(query.error) };
}

function roleChoices(roles: Role[]) {
  return roles.map((role) => ({ value: role.id, label: `${displayText(role.name)}${role.is_predefined ? " (predefined)" : ""}` }));
}

/** Grants a role to a user on a space or a project the caller administers. */
function GrantDialog(props: { names: Names; spaces: MySpace[]; onClose: () => void; onGranted: () => void }) {
  const { client } = useSession();
  const { users, roles, projects } = props.names;
  const [form, setForm] = useState({ userId: "", roleId: "", resourceType: "SPACE", resourceId: "" });
  const action = useAction();
  const spaceIds = new Set(props.spaces.map((space) => space.id));
  const resourceChoices =
    form.resourceType === "SPACE"
      ? props.spaces.map((space) => ({ value: space.id, label: spaceLabel(space) }))
      : projects
          .filter((project) => spaceIds.has(project.space_id))
          .map((project) => {
            const space = props.spaces.find((s) => s.id === project.space_id);
            return { value: project.id, label: `${space === undefined ? "" : `${spaceLabel(space)} / `}${displayText(project.name)}` };
          });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { user_id: form.userId, role_id: form.roleId, resource_type: form.resourceType, resource_id: form.resourceId };
    const result = await action.run(() => client.post("/v2/role-bindings", body));
    if (result.ok) {
      props.onGranted();
      props.onClose();
    }
  };
  return (
    <Dialog title="Grant a role" onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <SelectField
          label="User"
          value={form.userId}
          onChange={(userId) => setForm({ ...form, userId })}
          choices={userChoices(users)}
          placeholder="Choose a user"
          required
        />
        <SelectField
          label="Role"
          value={form.roleId}
          onChange={(roleId) => setForm({ ...form, roleId })}
          choices={roleChoices(roles)}
          placeholder="Choose a role"
          required
        />
        <fieldset className="choice">
          <legend>On</legend>
          {(["SPACE", "PROJECT"] as const).map((type) => (
            <label key={type}>
              <input
                type="radio"
                name="resource_type"
                value={type}
                checked={form.resourceType === type}
                onChange={() => setForm({ ...form, resourceType: type, resourceId: "" })}
              />
              {type === "SPACE" ? "A space (and its unrestricted projects)" : "A project"}
            </label>
          ))}
        </fieldset>
        <SelectField
          label={form.resourceType === "SPACE" ? "Space" : "Project"}
          value={form.resourceId}
          onChange={(resourceId) => setForm({ ...form, resourceId })}
          choices={resourceChoices}
          placeholder={form.resourceType === "SPACE" ? "Choose a space" : "Choose a project"}
          required
        />
        <p className="hint">The user must belong to the organization of the space. One binding per user and resource.</p>
        <FormActions submitLabel="Grant role" pending={action.pending} error={action.error} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** Changes the role of a binding (PATCH role_id); the resource and user of a binding never change. */
function BindingRole({ binding, roles, label, onSaved }: { binding: RoleBinding; roles: Role[]; label: string; onSaved: () => void }) {
  const { client } = useSession();
  const [roleId, setRoleId] = useState(binding.role_id);
  const action = useAction();
  const save = async () => {
    if ((await action.run(() => client.patch(`/v2/role-bindings/${encodeURIComponent(binding.id)}`, { role_id: roleId }))).ok) onSaved();
  };
  return (
    <div className="inline-edit">
      <select aria-label={label} value={roleId} onChange={(event) => setRoleId(event.target.value)}>
        {roles.length === 0 && <option value={binding.role_id}>{binding.role_id}</option>}
        {roleChoices(roles).map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      {roleId !== binding.role_id && (
        <button type="button" onClick={() => void save()} disabled={action.pending}>
          Save
        </button>
      )}
      <ErrorText error={action.error} />
    </div>
  );
}

/**
 * Role bindings on the spaces and projects the caller administers: list
 * (filtered by user and kind of resource), grant, change the role, remove.
 */
export function AccessPage() {
  const { client, me } = useSession();
  const mine = useMyAccess();
  const [userId, setUserId] = useState("");
  const [resourceType, setResourceType] = useState("");
  const [granting, setGranting] = useState(false);
  const [removing, setRemoving] = useState<RoleBinding | null>(null);
  const { names, error: namesError } = useNames();
  const query = { user_id: userId, resource_type: resourceType, limit: 50 };
  const list = usePaged({
    key: ["role-bindings", query],
    load: (cursor) => client.page<RoleBinding>("/v2/role-bindings", "role_bindings", { ...query, cursor }),
    pageSize: query.limit,
  });
  const administered = (mine.access?.spaces ?? []).filter((space) => me.isAdmin || space.role === "admin");
  const userName = (id: string) => names.users.find((user) => user.id === id)?.name ?? id;
  const roleName = (id: string) => names.roles.find((role) => role.id === id)?.name ?? id;
  const resourceName = (binding: RoleBinding) => {
    const spaces = mine.access?.spaces ?? [];
    if (binding.resource_type === "SPACE") {
      const space = spaces.find((s) => s.id === binding.resource_id);
      return space === undefined ? binding.resource_id : spaceLabel(space);
    }
    const project = names.projects.find((p) => p.id === binding.resource_id);
    if (project === undefined) return binding.resource_id;
    const space = spaces.find((s) => s.id === project.space_id);
    return `${space === undefined ? "" : `${spaceLabel(space)} / `}${displayText(project.name)}`;
  };
  // Invalidates every query under ["role-bindings"]: the lists and the names.
  const reload = () => list.reload();

  return (
    <section aria-labelledby="access-heading" aria-busy={list.loading || mine.access === undefined}>
      <div className="page-head">
        <h1 id="access-heading">Access</h1>
        {administered.length > 0 && (
          <button type="button" className="primary" onClick={() => setGranting(true)}>
            Grant a role
          </button>
        )}
      </div>
      <p className="muted">
        Role bindings give one person one role on a space or a project, on top of their memberships. Listed: the bindings on the spaces you
        administer and their projects.
      </p>
      <div className="filters">
        <SelectField label="User" value={userId} onChange={setUserId} choices={userChoices(names.users)} placeholder="Everyone" />
        <SelectField
          label="On"
          value={resourceType}
          onChange={setResourceType}
          choices={RESOURCE_TYPES}
          placeholder="Spaces and projects"
        />
      </div>
      <ErrorText error={mine.error} />
      <ErrorText error={namesError} />
      <ListState list={list} empty="No role bindings here: everyone holds only their membership roles." />
      <ListTable columns={["User", "Role", "On", "Granted"]} busy={list.loading}>
        {list.items.map((binding) => (
          <tr key={binding.id}>
            <th scope="row" data-label="User">
              <StoredText text={userName(binding.user_id)} />
            </th>
            <td data-label="Role">
              <BindingRole
                key={binding.role_id}
                binding={binding}
                roles={names.roles}
                label={`Role of ${displayText(userName(binding.user_id))} on ${resourceName(binding)}`}
                onSaved={reload}
              />
            </td>
            <td data-label="On">
              <span className="muted">{binding.resource_type === "SPACE" ? "Space " : "Project "}</span>
              {resourceName(binding)}
            </td>
            <td data-label="Granted">
              <time dateTime={binding.created_at}>{formatDateTime(binding.created_at)}</time>
            </td>
            <td>
              <button
                type="button"
                className="danger"
                onClick={() => setRemoving(binding)}
                aria-label={`Remove ${displayText(roleName(binding.role_id))} of ${displayText(userName(binding.user_id))} on ${resourceName(binding)}`}
              >
                Remove
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={list} label="Role bindings" />
      {granting && <GrantDialog names={names} spaces={administered} onClose={() => setGranting(false)} onGranted={reload} />}
      {removing !== null && (
        <ConfirmDialog
          title={`Remove ${displayText(roleName(removing.role_id))} of ${displayText(userName(removing.user_id))}?`}
          confirmLabel="Remove binding"
          onConfirm={() => client.delete(`/v2/role-bindings/${encodeURIComponent(removing.id)}`)}
          onClose={() => setRemoving(null)}
          onDone={reload}
        >
          <p>
            <StoredText text={userName(removing.user_id)} /> keeps their memberships but loses what this role gave them on{" "}
            {resourceName(removing)}, at once.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
