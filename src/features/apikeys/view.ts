import { encodeId } from "../../http/ids.js";
import type { ApiKeyViewRow } from "../../store/queries/api-keys.js";
import type { KeyStatus, KeyType } from "../../store/schema.js";

/** The wire form of an API key (SPEC §6); unset optional fields are omitted. */
export interface ApiKeyView {
  id: string;
  name: string;
  description?: string;
  key_type: KeyType;
  status: KeyStatus;
  redacted_key: string;
  created_at: string;
  expires_at?: string;
  created_by_user_id: string;
  last_used_at?: string;
  space_id?: string;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export function toApiKeyView(key: ApiKeyViewRow): ApiKeyView {
  const view: ApiKeyView = {
    id: encodeId("ApiKey", key.id),
    name: key.name,
    key_type: key.key_type,
    status: key.status,
    redacted_key: key.redacted_key,
    created_at: rfc3339(key.created_at),
    created_by_user_id: encodeId("User", key.created_by_user_id),
  };
  if (key.description !== null) view.description = key.description;
  if (key.expires_at !== null) view.expires_at = rfc3339(key.expires_at);
  if (key.last_used_at !== null) view.last_used_at = rfc3339(key.last_used_at);
  if (key.space_id !== null) view.space_id = encodeId("Space", key.space_id);
  return view;
}
