import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { displayText, StoredText } from "../components/StoredText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CreateKeyDialog } from "../components/CreateKeyDialog";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { SelectField } from "../components/SelectField";
import { Pager } from "../components/Pager";
import { RotateKeyDialog } from "../components/RotateKeyDialog";
import { Tabs, tabId } from "../components/Tabs";
import { usePaged } from "../hooks";
import { useUserNames } from "../people";
import { useSearchParams } from "../router";
import { useSession } from "../session";
import { useKeySpaces, useSpaceChoices } from "../spaces";
import type { ApiKey, KeyType, User } from "../types";
import { KeyTable } from "./KeyTable";

const STATUSES = ["active", "expired", "deleted"] as const;
type StatusFilter = (typeof STATUSES)[number];
const PAGE_SIZES = ["10", "25", "50", "100"];
/** The owner filter's value for every user's keys (account admins). */
const ALL_USERS = "all";

type Open = { kind: "create" } | { kind: "rotate"; key: ApiKey } | { kind: "delete"; key: ApiKey } | null;

function oneOf<T extends string>(value: string | null, choices: readonly T[], fallback: T): T {
  return choices.find((choice) => choice === value) ?? fallback;
}

/** A search box that applies its text a moment after the typing stops. */
function NameSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [draft, setDraft] = useState(value);
  // The URL changed under the box (back, a link): show its text.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    if (draft.trim() !== value) setDraft(value);
  }
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = window.setTimeout(() => onChange(draft.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [draft, value, onChange]);
  return (
    <Field label="Search by name">
      {(id) => (
        <input id={id} type="search" value={draft} onChange={(event) => setDraft(event.target.value)} autoComplete="off" maxLength={256} />
      )}
    </Field>
  );
}

/** Account admins: every user, for the owner filter. */
function useUserChoices(enabled: boolean): User[] {
  const { client } = useSession();
  const query = useQuery({ queryKey: ["users", "all"], queryFn: () => client.all<User>("/v2/users", "users"), enabled });
  return query.data ?? [];
}

/**
 * User and service keys: search, filter, page, create, rotate, delete. The
 * tab, filters and page live in the URL (#/keys?type=service&status=deleted).
 * Account admins reach every key: the owner filter lists all users' keys
 * (`all_users=true`) or one user's (`user_id`).
 */
export function ApiKeysPage() {
  const { client, me, signOut } = useSession();
  const [params, setParams] = useSearchParams();
  const keyType = oneOf<KeyType>(params.get("type"), ["user", "service"], "user");
  const status = oneOf<StatusFilter>(params.get("status"), STATUSES, "active");
  const limit = Number(oneOf(params.get("limit"), PAGE_SIZES, "50"));
  const spaceId = keyType === "service" ? (params.get("space") ?? "") : "";
  const owner = me.isAdmin ? (params.get("owner") ?? "") : "";
  const search = params.get("q") ?? "";
  const pageIndex = Math.max(0, Math.min(10_000, Math.floor(Number(params.get("page") ?? "1")) - 1 || 0));
  // Any filter change starts again at page one.
  const setFilter = (changes: Record<string, string | undefined>) => setParams({ ...changes, page: undefined });

  const [open, setOpen] = useState<Open>(null);
  const spaces = useSpaceChoices();
  const users = useUserChoices(me.isAdmin);
  const ownerFilter =
    owner === ALL_USERS && keyType === "user" ? { all_users: "true" } : owner !== "" && owner !== ALL_USERS ? { user_id: owner } : {};
  const query = {
    key_type: keyType,
    status,
    space_id: keyType === "service" ? spaceId : undefined,
    name_contains: search,
    ...ownerFilter,
    limit,
  };
  const list = usePaged({
    key: ["api-keys", query],
    load: (cursor) => client.page<ApiKey>("/v2/api-keys", "api_keys", { ...query, cursor }, { count: true }),
    pageSize: limit,
    page: pageIndex,
    onPage: (page) => setParams({ page: page === 0 ? undefined : String(page + 1) }),
  });
  const spaceOf = useKeySpaces(list.items, spaceId, spaces.spaces);
  const ownerName = useUserNames(list.items.map((key) => key.created_by_user_id));
  const close = () => setOpen(null);
  // Deleting the key this session uses, or rotating it without grace, ends the session.
  const [sessionEnded, setSessionEnded] = useState(false);
  const closeAfterChange = () => (sessionEnded ? signOut("The key this session used no longer works. Sign in with another key.") : close());
  const changed = (key: ApiKey, keyStillWorks: boolean) => {
    if (key.id === me.keyId && !keyStillWorks) setSessionEnded(true);
    else list.reload();
  };
  const ownerChoices = [
    ...(keyType === "user" ? [{ value: ALL_USERS, label: "All users" }] : []),
    ...users.filter((user) => user.id !== me.userId).map((user) => ({ value: user.id, label: displayText(user.name) })),
  ];
  const showOwner = keyType === "user" && owner !== "";
  const nothing = `No ${status} ${keyType} keys${search === "" ? "" : ` whose name contains “${search}”`}.`;

  return (
    <section aria-labelledby="keys-heading">
      <div className="page-head">
        <h1 id="keys-heading">API keys</h1>
        <button type="button" className="primary" onClick={() => setOpen({ kind: "create" })}>
          Create key
        </button>
      </div>
      <Tabs
        label="Key type"
        idPrefix="keys"
        tabs={[
          { value: "user", label: "User keys" },
          { value: "service", label: "Service keys" },
        ]}
        value={keyType}
        onChange={(type) => setFilter({ type: type === "user" ? undefined : type, space: undefined })}
      />
      <div role="tabpanel" id="keys-panel" aria-labelledby={tabId("keys", keyType)} aria-busy={list.loading}>
        <div className="filters">
          <NameSearch value={search} onChange={(q) => setFilter({ q })} />
          {keyType === "service" && (
            <SelectField
              label="Space"
              value={spaceId}
              onChange={(space) => setFilter({ space })}
              choices={spaces.spaces}
              placeholder="All spaces I can read"
            />
          )}
          {me.isAdmin && (
            <SelectField
              label={keyType === "user" ? "Owner" : "Created by"}
              value={owner === ALL_USERS && keyType !== "user" ? "" : owner}
              onChange={(value) => setFilter({ owner: value })}
              choices={ownerChoices}
              placeholder={keyType === "user" ? "Me" : "Anyone"}
            />
          )}
          <SelectField
            label="Status"
            value={status}
            onChange={(value) => setFilter({ status: value === "active" ? undefined : value })}
            choices={STATUSES}
          />
          <SelectField
            label="Per page"
            value={String(limit)}
            onChange={(value) => setFilter({ limit: value === "50" ? undefined : value })}
            choices={PAGE_SIZES}
          />
        </div>
        {keyType === "service" && <ErrorText error={spaces.error} />}
        <ErrorText error={list.error} />
        {list.loading && list.items.length === 0 ? (
          <p className="loading-rows" role="status">
            Loading keys…
          </p>
        ) : list.error === undefined && list.items.length === 0 ? (
          <p className="empty">{nothing}</p>
        ) : (
          <KeyTable
            keys={list.items}
            keyType={keyType}
            showOwner={showOwner}
            spaceOf={spaceOf}
            actions={{ rotate: (key) => setOpen({ kind: "rotate", key }), remove: (key) => setOpen({ kind: "delete", key }) }}
          />
        )}
        <Pager list={list} label="API keys" noun="keys" />
      </div>
      {open?.kind === "create" && (
        <CreateKeyDialog defaultType={keyType} defaultSpaceId={spaceId} spaces={spaces.spaces} onClose={close} onCreated={list.reload} />
      )}
      {open?.kind === "rotate" && (
        <RotateKeyDialog apiKey={open.key} onClose={closeAfterChange} onRotated={(graceSeconds) => changed(open.key, graceSeconds > 0)} />
      )}
      {open?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete “${displayText(open.key.name)}”?`}
          confirmLabel={`Delete ${displayText(open.key.name)}`}
          onConfirm={() => client.delete(`/v2/api-keys/${encodeURIComponent(open.key.id)}`)}
          onClose={close}
          onDone={() =>
            open.key.id === me.keyId ? signOut("You deleted the key this session used. Sign in with another key.") : list.reload()
          }
        >
          {open.key.id === me.keyId && <p className="warning">This is the key you signed in with: deleting it signs you out.</p>}
          {open.key.key_type === "user" && open.key.created_by_user_id !== me.userId && (
            <p>
              This key belongs to <StoredText text={ownerName(open.key.created_by_user_id)} />; only this key is revoked, their other keys
              keep working.
            </p>
          )}
          <p>
            The key <code>{open.key.redacted_key}</code> stops working at once, everywhere. Anything that uses it will get 401 Unauthorized.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
