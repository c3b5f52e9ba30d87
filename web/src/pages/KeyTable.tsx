import { displayText, StoredText } from "../components/StoredText";
import { ListTable } from "../components/ListTable";
import { expiryState, formatDateTime, formatRelative } from "../format";
import { useUserNames } from "../people";
import { useSession } from "../session";
import type { ApiKey } from "../types";

function Expiry({ expiresAt }: { expiresAt: string | undefined }) {
  const state = expiryState(expiresAt);
  if (expiresAt === undefined) return <span className="muted">Never</span>;
  return (
    <>
      <time dateTime={expiresAt}>{formatDateTime(expiresAt)}</time>
      {state === "expired" && <span className="badge badge-danger">Expired</span>}
      {state === "soon" && <span className="badge badge-warning">Expires soon</span>}
    </>
  );
}

export interface KeyRowActions {
  rotate(key: ApiKey): void;
  remove(key: ApiKey): void;
}

/** The API keys of one page; on narrow screens each row becomes a card. */
export function KeyTable({
  keys,
  spaceOf,
  actions,
}: {
  keys: ApiKey[];
  /** The label of a service key's space, when known. */
  spaceOf: (key: ApiKey) => string | undefined;
  actions: KeyRowActions;
}) {
  const { me } = useSession();
  const creator = useUserNames(keys.map((key) => key.created_by_user_id));
  return (
    <ListTable columns={["Name", "Key", "Type", "Created", "Expires", "Last used", "Creator"]} className="keys">
      {keys.map((key) => (
        <tr key={key.id}>
          <th scope="row" data-label="Name">
            <StoredText text={key.name} />
            {key.id === me.keyId && <span className="badge badge-info">this session</span>}
            {key.description !== undefined && <StoredText className="description" text={key.description} />}
          </th>
          <td data-label="Key">
            <code>{key.redacted_key}</code>
          </td>
          <td data-label="Type">
            {key.key_type}
            {spaceOf(key) !== undefined && <StoredText className="description" text={spaceOf(key) ?? ""} />}
          </td>
          <td data-label="Created">
            <time dateTime={key.created_at}>{formatDateTime(key.created_at)}</time>
          </td>
          <td data-label="Expires">
            <Expiry expiresAt={key.expires_at} />
          </td>
          <td data-label="Last used">
            {key.last_used_at === undefined ? (
              <span className="muted">Never</span>
            ) : (
              <time dateTime={key.last_used_at} title={formatDateTime(key.last_used_at)}>
                {formatRelative(key.last_used_at)}
              </time>
            )}
          </td>
          <td data-label="Creator">{creator(key.created_by_user_id)}</td>
          <td>
            <div className="row-actions">
              {key.status === "active" && expiryState(key.expires_at) !== "expired" && (
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
