import { displayText, StoredText } from "../components/StoredText";
import { ListTable } from "../components/ListTable";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorDetail } from "../api";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { Pager } from "../components/Pager";
import { SelectField } from "../components/SelectField";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useSession } from "../session";
import { useSpaceOrganizations } from "../spaces";
import type { Organization } from "../types";
import { CreateScopeDialog } from "./CreateScopeDialog";
import { MembersDialog } from "./MembersDialog";
import { orgChoices, SCOPES, type ScopeKind } from "./scopes";

/** An organization or a space: the two have the same members (a space does not name its organization). */
type Item = Organization;
type Open = { kind: "create" } | { kind: "members"; item: Organization } | { kind: "delete"; item: Organization } | null;

function useOrganizations(): { organizations: Organization[]; error: string | undefined } {
  const { client } = useSession();
  const query = useQuery({
    queryKey: ["organizations", "all"],
    queryFn: () => client.all<Organization>("/v2/organizations", "organizations"),
  });
  return { organizations: query.data ?? NO_ORGANIZATIONS, error: query.error === null ? undefined : errorDetail(query.error) };
}

/** One empty list, so a hook depending on the organizations does not see a new array each render. */
const NO_ORGANIZATIONS: Organization[] = [];

/** Organizations or spaces: list, create, members, delete. */
export function ScopesPage({ scope }: { scope: ScopeKind }) {
  const { client, me } = useSession();
  const { title, singular, path, listKey } = SCOPES[scope];
  const orgs = useOrganizations();
  const [orgId, setOrgId] = useState("");
  const [name, setName] = useState("");
  const [open, setOpen] = useState<Open>(null);
  // Both lists filter by a case-insensitive substring of the name (`name`); spaces also by organization.
  const query = scope === "spaces" ? { org_id: orgId, name, limit: 50 } : { name, limit: 50 };
  const list = usePaged({
    key: [scope, query],
    load: (cursor) => client.page<Item>(path, listKey, { ...query, cursor }),
    pageSize: query.limit,
  });
  const held = useSpaceOrganizations(
    scope === "spaces" ? orgs.organizations : [],
    list.items.map((item) => item.id),
  );
  // The filter names the organization; without it, each organization's spaces were listed (org_id) to find it.
  const orgName = (item: Item) => (orgId === "" ? held.get(item.id)?.name : orgs.organizations.find((org) => org.id === orgId)?.name) ?? "";
  const close = () => setOpen(null);
  const headingId = `${scope}-heading`;

  return (
    <section aria-labelledby={headingId} aria-busy={list.loading}>
      <div className="page-head">
        <h1 id={headingId}>{title}</h1>
        {/* Only account admins create organizations (ORGANIZATION_CREATE): nobody else is offered it. */}
        {(scope === "spaces" || me.isAdmin) && (
          <button type="button" className="primary" onClick={() => setOpen({ kind: "create" })}>
            Create {singular}
          </button>
        )}
      </div>
      <div className="filters">
        {scope === "spaces" && (
          <SelectField
            label="Organization"
            value={orgId}
            onChange={setOrgId}
            choices={orgChoices(orgs.organizations)}
            placeholder="All organizations"
          />
        )}
        <Field label="Name contains">
          {(id) => <input id={id} type="search" value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
      </div>
      <ErrorText error={orgs.error} />
      <ErrorText error={list.error} />
      <ListTable columns={scope === "spaces" ? ["Name", "Organization", "Description", "Created"] : ["Name", "Description", "Created"]}>
        {list.items.map((item) => (
          <tr key={item.id}>
            <th scope="row" data-label="Name">
              <StoredText text={item.name} />
            </th>
            {scope === "spaces" && (
              <td data-label="Organization">
                <StoredText text={orgName(item)} />
              </td>
            )}
            <td data-label="Description">
              {item.description === "" || item.description === undefined ? (
                <span className="muted">None</span>
              ) : (
                <StoredText text={item.description} />
              )}
            </td>
            <td data-label="Created">
              <time dateTime={item.created_at}>{formatDateTime(item.created_at)}</time>
            </td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  onClick={() => setOpen({ kind: "members", item })}
                  aria-label={`Members of ${displayText(item.name)}`}
                >
                  Members
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => setOpen({ kind: "delete", item })}
                  aria-label={`Delete ${displayText(item.name)}`}
                >
                  Delete
                </button>
              </div>
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={list} label={title} />
      {open?.kind === "create" && (
        <CreateScopeDialog scope={scope} organizations={orgs.organizations} onClose={close} onCreated={list.reload} />
      )}
      {open?.kind === "members" && <MembersDialog scope={scope} target={open.item} onClose={close} />}
      {open?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete ${singular} “${displayText(open.item.name)}”?`}
          confirmLabel={`Delete ${displayText(open.item.name)}`}
          onConfirm={() => client.delete(`${path}/${encodeURIComponent(open.item.id)}`)}
          onClose={close}
          onDone={list.reload}
        >
          <p className="warning">
            Deleting <StoredText text={open.item.name} /> removes its memberships. keyhouse refuses while it still holds
            {scope === "organizations" ? " spaces" : " working service keys"}. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
