import { useState } from "react";
import { displayText, StoredText } from "../components/StoredText";
import { ListTable } from "../components/ListTable";
import { expiryState, formatDateTime, formatRelative } from "../format";
import { useUserNames } from "../people";
import { useSession } from "../session";
import { useKeyDetails } from "../spaces";
import type { ApiKey, KeyType } from "../types";

/** A grace period lasts at most this long (SPEC §6), so only a key expiring within it can be retiring. */
const MAX_GRACE_MS = 86_400_000;

function Expiry({ expiresAt, retiring }: { expiresAt: string | undefined; retiring: boolean }) {
  const state = expiryState(expiresAt);
  if (expiresAt === undefined) return <span className="muted">Never</span>;
  if (retiring && state !== "expired") {
    return (
      <span className="badge badge-warning nowrap" title="This key was rotated; it works until its grace period ends">
        Retiring at <time dateTime={expiresAt}>{formatDateTime(expiresAt)}</time>
      </span>
    );
  }
  return (
    <>
      <time className="nowrap" dateTime={expiresAt}>
        {formatDateTime(expiresAt)}
      </time>
      {state === "expired" && <span className="badge badge-danger">Expired</span>}
      {state === "soon" && <span className="badge badge-warning">Expires soon</span>}
    </>
  );
}

export interface KeyRowActions {
  rotate(key: ApiKey): void;
  remove(key: ApiKey): void;
}

/**
 * The ids of active keys that may be in a rotation's grace period: they expire
 * within the longest grace from now. Each is read once through the extension
 * route, whose `rotated_at` tells.
 */
function useRetiring(keys: ApiKey[]): (key: ApiKey) => boolean {
  // The time the table was first shown: candidates are keys expiring within a day of it.
  const [now] = useState(() => Date.now());
  const candidates = keys.filter((key) => {
    if (key.status !== "active" || key.expires_at === undefined) return false;
    const left = new Date(key.expires_at).getTime() - now;
    return left > 0 && left <= MAX_GRACE_MS;
  });
  const details = useKeyDetails(candidates.map((key) => key.id));
  return (key) => details.get(key.id)?.rotated_at !== undefined;
}

/**
 * The API keys of one page; on narrow screens each row becomes a card. The
 * type is the tab's, so it is not repeated per row: service keys show their
 * space instead, and user keys their owner when they are not all the caller's.
 */
export function KeyTable({
  keys,
  keyType,
  showOwner,
  spaceOf,
  actions,
}: {
  keys: ApiKey[];
  keyType: KeyType;
  showOwner: boolean;
  /** The label of a service key's space, when known. */
  spaceOf: (key: ApiKey) => string | undefined;
  actions: KeyRowActions;
}) {
  const { me } = useSession();
  const creator = useUserNames(keys.map((key) => key.created_by_user_id));
  const retiring = useRetiring(keys);
  const service = keyType === "service";
  const columns = ["Name", "Key", ...(service ? ["Space"] : []), "Created", "Expires", "Last used"];
  if (service) columns.push("Creator");
  else if (showOwner) columns.push("Owner");
  return (
    <ListTable columns={columns} className="keys">
      {keys.map((key) => (
        <tr key={key.id} className={retiring(key) ? "retiring" : undefined}>
          <th scope="row" data-label="Name">
            <StoredText text={key.name} />
            {key.id === me.keyId && <span className="badge badge-info">this session</span>}
            {key.description !== undefined && <StoredText className="description" text={key.description} />}
          </th>
          <td data-label="Key">
            <code className="nowrap">{key.redacted_key}</code>
          </td>
          {service && (
            <td data-label="Space">
              <StoredText text={spaceOf(key) ?? ""} />
            </td>
          )}
          <td data-label="Created">
            <time className="nowrap" dateTime={key.created_at}>
              {formatDateTime(key.created_at)}
            </time>
          </td>
          <td data-label="Expires">
            <Expiry expiresAt={key.expires_at} retiring={retiring(key)} />
          </td>
          <td data-label="Last used">
            {key.last_used_at === undefined ? (
              <span className="muted">Never</span>
            ) : (
              <time className="nowrap" dateTime={key.last_used_at} title={formatDateTime(key.last_used_at)}>
                {formatRelative(key.last_used_at)}
              </time>
            )}
          </td>
          {(service || showOwner) && (
            <td data-label={service ? "Creator" : "Owner"}>
              <StoredText text={creator(key.created_by_user_id)} />
            </td>
          )}
          <td>
            <div className="row-actions">
              {key.status === "active" && expiryState(key.expires_at) !== "expired" && !retiring(key) && (
                <button
                  type="button"
                  onClick={() => actions.rotate(key)}
                  aria-label={`Rotate ${displayText(key.name)} (${key.redacted_key})`}
                >
                  Rotate
                </button>
              )}
              {key.status === "active" && (
                <button
                  type="button"
                  className="danger"
                  onClick={() => actions.remove(key)}
                  aria-label={`Delete ${displayText(key.name)} (${key.redacted_key})`}
                >
                  Delete
                </button>
              )}
            </div>
          </td>
        </tr>
      ))}
    </ListTable>
  );
}
