import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { displayText, StoredText } from "../components/StoredText";
import { SelectField } from "../components/SelectField";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { ListTable } from "../components/ListTable";
import { Pager } from "../components/Pager";
import { formatDateTime } from "../format";
import { usePaged } from "../hooks";
import { useUserNames } from "../people";
import { useSession } from "../session";
import type { AuditEvent, User } from "../types";

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

const TYPE_NAMES: Record<string, string> = {
  ApiKey: "API key",
  User: "user",
  Organization: "organization",
  Space: "space",
  Project: "project",
  Role: "role",
  RoleBinding: "role binding",
  ResourceRestriction: "restriction",
};

/** A wire id's type and number ("ApiKey", 12), read from its base64 form; undefined for anything else. */
function idParts(id: string): { type: string; number: string } | undefined {
  try {
    const match = /^([A-Za-z]+):(\d+):/.exec(atob(id.replace(/-/g, "+").replace(/_/g, "/")));
    return match === null ? undefined : { type: match[1] ?? "", number: match[2] ?? "" };
  } catch {
    return undefined;
  }
}

/** A target as a person reads it: "user Alice", "API key #12"; the full id stays in the tooltip to copy. */
function Target({ id, userName }: { id: string; userName: (id: string) => string }) {
  const parts = idParts(id);
  if (parts === undefined) return <code className="chip">{id}</code>;
  const type = TYPE_NAMES[parts.type] ?? parts.type;
  return (
    <span className="chip" title={id}>
      {type} {parts.type === "User" ? <StoredText text={userName(id)} /> : `#${parts.number}`}
    </span>
  );
}

/** An event's details as "name: value" lines instead of raw JSON. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="muted">None</span>;
  return (
    <dl className="details">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name.replace(/_/g, " ")}</dt>
          <dd>{typeof value === "string" ? <StoredText text={value} /> : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function FilterForm({ onApply, users }: { onApply: (filters: Filters) => void; users: User[] }) {
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
      <SelectField
        label="Actor"
        value={draft.actor_user_id}
        onChange={(actor) => setDraft({ ...draft, actor_user_id: actor })}
        choices={users.map((user) => ({ value: user.id, label: `${displayText(user.name)} (${displayText(user.email)})` }))}
        placeholder="Anyone"
      />
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
  const usersQuery = useQuery({ queryKey: ["users", "all"], queryFn: () => client.all<User>("/v2/users", "users") });
  const users = usersQuery.data ?? [];
  const actorName = useUserNames(
    list.items.flatMap((event) => [
      ...(event.actor_user_id === undefined ? [] : [event.actor_user_id]),
      ...event.target_ids.filter((id) => idParts(id)?.type === "User"),
    ]),
  );
  return (
    <section aria-labelledby="audit-heading" aria-busy={list.loading}>
      <div className="page-head">
        <h1 id="audit-heading">Audit trail</h1>
      </div>
      <FilterForm onApply={setFilters} users={users} />
      <ErrorText error={list.error} />
      {!list.loading && list.error === undefined && list.items.length === 0 && (
        <p className="empty">No events match these filters. Widen the time range or clear a filter.</p>
      )}
      {list.items.length > 0 && (
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
                {event.actor_key_id !== undefined && (
                  <span className="description" title={event.actor_key_id}>
                    with API key #{idParts(event.actor_key_id)?.number ?? "?"}
                  </span>
                )}
              </td>
              <td data-label="Targets">
                <span className="chips">
                  {event.target_ids.map((id) => (
                    <Target key={id} id={id} userName={actorName} />
                  ))}
                </span>
              </td>
              <td data-label="Details">
                <Details details={event.details} />
              </td>
              <td data-label="Client">
                {event.client_address ?? ""}
                {event.request_id !== undefined && <span className="description">request {event.request_id}</span>}
              </td>
            </tr>
          ))}
        </ListTable>
      )}
      <Pager list={list} label="Audit events" noun="events" />
    </section>
  );
}
