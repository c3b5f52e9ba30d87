import { useState, type FormEvent } from "react";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { ListTable } from "../components/ListTable";
import { Pager } from "../components/Pager";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useUserNames } from "../people";
import { useSession } from "../session";
import type { AuditEvent } from "../types";

/** The actions docs/audit.md lists, offered as suggestions (the field takes any action name). */
const ACTIONS = [
  "api_key.created",
  "api_key.issued",
  "api_key.refreshed",
  "api_key.deleted",
  "api_key.deleted_by_user_removal",
  "user.created",
  "user.updated",
  "user.deleted",
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "space.created",
  "space.updated",
  "space.deleted",
  "membership.upserted",
  "membership.removed",
  "project.created",
  "project.updated",
  "project.deleted",
  "role.created",
  "role.updated",
  "role.deleted",
  "role_binding.created",
  "role_binding.updated",
  "role_binding.deleted",
  "resource_restriction.created",
  "resource_restriction.deleted",
  "keyhouse.initialized",
];

const NO_FILTERS = { action: "", actor_user_id: "", target_id: "", since: "", until: "" };
type Filters = typeof NO_FILTERS;

/** A local date-time input's value as RFC 3339, or "" when empty. */
function toRfc3339(local: string): string {
  return local === "" ? "" : new Date(local).toISOString();
}

function FilterForm({ onApply }: { onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState(NO_FILTERS);
  const input = (name: keyof Filters, label: string, type = "search", list?: string) => (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          type={type}
          list={list}
          value={draft[name]}
          onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        />
      )}
    </Field>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...draft, action: draft.action.trim(), actor_user_id: draft.actor_user_id.trim(), target_id: draft.target_id.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Audit filters">
      {input("action", "Action", "search", "audit-actions")}
      <datalist id="audit-actions">
        {ACTIONS.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {input("actor_user_id", "Actor user id")}
      {input("target_id", "Target id")}
      {input("since", "From", "datetime-local")}
      {input("until", "Until", "datetime-local")}
      <button type="submit">Apply filters</button>
    </form>
  );
}

/** The audit trail (account admins), newest first, with its filters. */
export function AuditPage() {
  const { client } = useSession();
  const [filters, setFilters] = useState(NO_FILTERS);
  const query = { ...filters, since: toRfc3339(filters.since), until: toRfc3339(filters.until), limit: 50 };
  const list = usePaged({
    key: ["audit-events", query],
    load: (cursor) => client.page<AuditEvent>("/v2/audit-events", "audit_events", { ...query, cursor }),
    pageSize: query.limit,
  });
  const actorName = useUserNames(list.items.flatMap((event) => (event.actor_user_id === undefined ? [] : [event.actor_user_id])));
  return (
    <section aria-labelledby="audit-heading" aria-busy={list.loading}>
      <div className="page-head">
        <h1 id="audit-heading">Audit trail</h1>
      </div>
      <FilterForm onApply={setFilters} />
      <ErrorText error={list.error} />
      <ListTable columns={["Time", "Action", "Actor", "Targets", "Details", "Client"]} actions={false}>
        {list.items.map((event) => (
          <tr key={event.id}>
            <th scope="row" data-label="Time">
              <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
            </th>
            <td data-label="Action">
              <code>{event.action}</code>
            </td>
            <td data-label="Actor">
              {event.actor_user_id === undefined ? <span className="muted">keyhouse init</span> : actorName(event.actor_user_id)}
              {event.actor_key_id !== undefined && <span className="description">with key {event.actor_key_id}</span>}
            </td>
            <td data-label="Targets" className="ids">
              {event.target_ids.join(", ")}
            </td>
            <td data-label="Details" className="ids">
              {Object.keys(event.details).length === 0 ? "" : JSON.stringify(event.details)}
            </td>
            <td data-label="Client">
              {event.client_address ?? ""}
              {event.request_id !== undefined && <span className="description">request {event.request_id}</span>}
            </td>
          </tr>
        ))}
      </ListTable>
      <Pager list={list} label="Audit events" />
    </section>
  );
}
