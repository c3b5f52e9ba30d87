import { useState } from "react";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { Pager } from "../components/Pager";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useSession } from "../session";
import type { AuditEvent } from "../types";

/** The audit trail (account admins), newest first, with its filters. */
export function AuditPage() {
  const { client } = useSession();
  const [filters, setFilters] = useState({ action: "", actor_user_id: "", target_id: "" });
  const query = { ...filters, limit: 50 };
  const list = usePaged((cursor) => client.page<AuditEvent>("/v2/audit-events", "audit_events", { ...query, cursor }), JSON.stringify(query));
  const filter = (name: keyof typeof filters, label: string) => (
    <Field label={label}>{(id) => <input id={id} type="search" value={filters[name]} onChange={(event) => setFilters({ ...filters, [name]: event.target.value.trim() })} />}</Field>
  );
  return (
    <section aria-labelledby="audit-heading" aria-busy={list.loading}>
      <div className="page-head">
        <h1 id="audit-heading">Audit trail</h1>
      </div>
      <div className="filters">
        {filter("action", "Action")}
        {filter("actor_user_id", "Actor user id")}
        {filter("target_id", "Target id")}
      </div>
      <ErrorText error={list.error} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Targets</th>
            <th scope="col">Client</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((event) => (
            <tr key={event.id}>
              <th scope="row" data-label="Time">
                <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
              </th>
              <td data-label="Action">
                <code>{event.action}</code>
              </td>
              <td data-label="Actor">
                {event.actor_user_id ?? <span className="muted">system</span>}
                {event.actor_api_key_id !== undefined && <span className="description">with key {event.actor_api_key_id}</span>}
              </td>
              <td data-label="Targets">{event.target_ids.join(", ")}</td>
              <td data-label="Client">
                {event.client_address ?? ""}
                {event.request_id !== undefined && <span className="description">request {event.request_id}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager list={list} label="Audit events" />
    </section>
  );
}
