import { displayText } from "../components/StoredText";
import { useState } from "react";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CreateKeyDialog } from "../components/CreateKeyDialog";
import { ErrorText } from "../components/ErrorText";
import { SelectField } from "../components/SelectField";
import { Pager } from "../components/Pager";
import { RotateKeyDialog } from "../components/RotateKeyDialog";
import { Tabs, tabId } from "../components/Tabs";
import { usePaged } from "../hooks";
import { useSession } from "../session";
import { useKeySpaces, useSpaceChoices } from "../spaces";
import type { ApiKey, KeyType } from "../types";
import { KeyTable } from "./KeyTable";

const STATUSES = ["active", "expired", "deleted"] as const;
type StatusFilter = (typeof STATUSES)[number];
const PAGE_SIZES = ["10", "25", "50", "100"];

type Open = { kind: "create" } | { kind: "rotate"; key: ApiKey } | { kind: "delete"; key: ApiKey } | null;

/** User and service keys: filter, page, create, rotate, delete. */
export function ApiKeysPage() {
  const { client, me, signOut } = useSession();
  const [keyType, setKeyType] = useState<KeyType>("user");
  const [spaceId, setSpaceId] = useState("");
  const [status, setStatus] = useState<StatusFilter>("active");
  const [limit, setLimit] = useState(50);
  const [open, setOpen] = useState<Open>(null);
  const spaces = useSpaceChoices();
  const query = { key_type: keyType, status, space_id: keyType === "service" ? spaceId : undefined, limit };
  const list = usePaged({
    key: ["api-keys", query],
    load: (cursor) => client.page<ApiKey>("/v2/api-keys", "api_keys", { ...query, cursor }),
    pageSize: limit,
  });
  const spaceOf = useKeySpaces(list.items, keyType === "service" ? spaceId : "", spaces.spaces);
  const close = () => setOpen(null);
  // Deleting the key this session uses, or rotating it without grace, ends the session.
  const [sessionEnded, setSessionEnded] = useState(false);
  const closeAfterChange = () => (sessionEnded ? signOut("The key this session used no longer works. Sign in with another key.") : close());
  const changed = (key: ApiKey, keyStillWorks: boolean) => {
    if (key.id === me.keyId && !keyStillWorks) setSessionEnded(true);
    else list.reload();
  };

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
        onChange={setKeyType}
      />
      <div role="tabpanel" id="keys-panel" aria-labelledby={tabId("keys", keyType)} aria-busy={list.loading}>
        <div className="filters">
          {keyType === "service" && (
            <SelectField label="Space" value={spaceId} onChange={setSpaceId} choices={spaces.spaces} placeholder="All spaces I can read" />
          )}
          <SelectField label="Status" value={status} onChange={(value) => setStatus(value as StatusFilter)} choices={STATUSES} />
          <SelectField label="Per page" value={String(limit)} onChange={(value) => setLimit(Number(value))} choices={PAGE_SIZES} />
        </div>
        {keyType === "service" && <ErrorText error={spaces.error} />}
        <ErrorText error={list.error} />
        {!list.loading && list.error === undefined && list.items.length === 0 ? (
          <p className="empty">
            No {status} {keyType} keys here.
          </p>
        ) : (
          <KeyTable
            keys={list.items}
            spaceOf={spaceOf}
            actions={{ rotate: (key) => setOpen({ kind: "rotate", key }), remove: (key) => setOpen({ kind: "delete", key }) }}
          />
        )}
        <Pager list={list} label="API keys" />
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
          <p>
            The key <code>{open.key.redacted_key}</code> stops working at once, everywhere. Anything that uses it will get 401 Unauthorized.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
