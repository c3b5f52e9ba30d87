import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorDetail } from "../api";
import type { Role } from "../access";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorText } from "../components/ErrorText";
import { ListTable } from "../components/ListTable";
import { Pager } from "../components/Pager";
import { SelectField } from "../components/SelectField";
import { displayText, StoredText } from "../components/StoredText";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useSession } from "../session";
import { RoleDialog, ViewRoleDialog } from "./RoleDialog";
import { ListState } from "./ListState";

const KINDS = [
  { value: "false", label: "Custom" },
  { value: "true", label: "Predefined" },
];

type Open = { kind: "create" } | { kind: "view"; role: Role } | { kind: "edit"; role: Role } | { kind: "delete"; role: Role } | null;

/** The predefined roles: the admin role's set is the whole catalog of permissions a custom role may list. */
function usePredefinedRoles(): { roles: Role[]; error: string | undefined } {
  const { client } = useSession();
  // The predefined roles never change: read once per session.
  const query = useQuery({
    queryKey: ["predefined-roles"],
    queryFn: () => client.all<Role>("/v2/roles", "roles", { is_predefined: "true" }),
    staleTime: Infinity,
  });
  return { roles: query.data ?? NO_ROLES, error: query.error === null ? undefined : errorDetail(query.error) };
}

/** One empty list, so the picker's catalog does not change identity each render while the roles load. */
const NO_ROLES: Role[] = [];

/** Roles: everyone reads them; account admins create, edit and delete custom ones. Predefined roles are read-only. */
export function RolesPage() {
  const { client, me } = useSession();
  const [kind, setKind] = useState("");
  const [open, setOpen] = useState<Open>(null);
  const query = { is_predefined: kind, limit: 50 };
  const list = usePaged({
    key: ["roles", query],
    load: (cursor) => client.page<Role>("/v2/roles", "roles", { ...query, cursor }),
    pageSize: query.limit,
  });
  const predefined = usePredefinedRoles();
  const catalog = predefined.roles.find((role) => role.name === "admin")?.permissions ?? [];
  const close = () => setOpen(null);
  const manage = me.isAdmin;

  return (
    <section aria-labelledby="roles-heading" aria-busy={list.loading}>
      <div className="page-head">
        <h1 id="roles-heading">Roles</h1>
        {manage && (
          <button type="button" className="primary" onClick={() => setOpen({ kind: "create" })} disabled={catalog.length === 0}>
            Create role
          </button>
        )}
      </div>
      <p className="muted">
        A role is a named set of permissions, granted to a person on a space or a project with a role binding (Access). The four predefined
        roles are the same everywhere and cannot change{manage ? "; custom roles are yours to define" : ""}.
      </p>
      <div className="filters">
        <SelectField label="Kind" value={kind} onChange={setKind} choices={KINDS} placeholder="All roles" />
      </div>
      <ErrorText error={predefined.error} />
      <ListState list={list} empty={kind === "false" ? "No custom roles yet." : "No roles."} />
      <ListTable columns={["Name", "Kind", "Permissions", "Updated"]} busy={list.loading}>
        {list.items.map((role) => (
          <tr key={role.id}>
            <th scope="row" data-label="Name">
              <StoredText text={role.name} />
              {role.description !== undefined && <StoredText className="description" text={role.description} />}
            </th>
            <td data-label="Kind">
              {role.is_predefined ? (
                <span className="badge badge-info">Predefined</span>
              ) : (
                <span className="badge badge-custom">Custom</span>
              )}
            </td>
            <td data-label="Permissions">{role.permissions.length}</td>
            <td data-label="Updated">
              <time dateTime={role.updated_at}>{formatDateTime(role.updated_at)}</time>
            </td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  onClick={() => setOpen({ kind: "view", role })}
                  aria-label={`Permissions of ${displayText(role.name)}`}
                >
                  Permissions
                </button>
                {manage && !role.is_predefined && (
                  <>
                    <button type="button" onClick={() => setOpen({ kind: "edit", role })} aria-label={`Edit ${displayText(role.name)}`}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setOpen({ kind: "delete", role })}
                      aria-label={`Delete ${displayText(role.name)}`}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={list} label="Roles" />
      {open?.kind === "view" && <ViewRoleDialog role={open.role} onClose={close} />}
      {(open?.kind === "create" || open?.kind === "edit") && (
        <RoleDialog
          role={open.kind === "edit" ? open.role : undefined}
          catalog={catalog}
          presets={predefined.roles}
          onClose={close}
          onSaved={list.reload}
        />
      )}
      {open?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete the role “${displayText(open.role.name)}”?`}
          confirmLabel={`Delete ${displayText(open.role.name)}`}
          onConfirm={() => client.delete(`/v2/roles/${encodeURIComponent(open.role.id)}`)}
          onClose={close}
          onDone={list.reload}
        >
          <p className="warning">
            keyhouse refuses while the role is still bound to someone: remove its bindings on the Access page first. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
