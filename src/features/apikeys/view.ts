import { encodeId } from "../../http/ids.js";
import { rfc3339 } from "../../http/time.js";
import type { ApiKeyRecord, ApiKeyViewRow } from "../../store/queries/api-keys.js";
import type { ApiKey, ApiKeyDetail, BotUserView } from "./schemas.js";
import type { BotUser } from "./service.js";

/** The wire form of an API key (SPEC §6); unset optional fields are omitted. */
export function toApiKeyView(key: ApiKeyViewRow): ApiKey {
  const view: ApiKey = {
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
  return view;
}

/**
 * The extension route's richer form (GET /v2/api-keys/{id}): a service key
 * also names its space, and a rotated key when it was rotated.
 */
export function toApiKeyDetailView(key: ApiKeyViewRow & Pick<ApiKeyRecord, "rotated_at">): ApiKeyDetail {
  const view: ApiKeyDetail = toApiKeyView(key);
  if (key.space_id !== null) view.space_id = encodeId("Space", key.space_id);
  if (key.rotated_at !== null) view.rotated_at = rfc3339(key.rotated_at);
  return view;
}

/** A service key's bot user, with the predefined roles it holds (2026-07's `bot_user`). */
export function toBotUserView(bot: BotUser): BotUserView {
  const role = <T extends string>(name: T) => ({ type: "predefined" as const, name });
  return {
    id: encodeId("User", bot.id),
    name: bot.name,
    account_role: role(bot.accountRole),
    organizations: bot.organizations.map((o) => ({
      org_id: encodeId("Organization", o.organizationId),
      role: role(o.role),
      spaces: o.spaces.map((sp) => ({ space_id: encodeId("Space", sp.spaceId), role: role(sp.role) })),
    })),
  };
}
