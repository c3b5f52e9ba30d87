import { displayText } from "./components/StoredText";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorDetail, type Client } from "./api";
import { useSession } from "./session";
import type { ApiKey, ApiKeyDetail, Organization, Space } from "./types";

/** A space as a picker choice: its id and a label. */
export interface SpaceChoice {
  value: string;
  label: string;
}

/**
 * Which organization holds each space. Arize's Space does not name its
 * organization, so each visible organization's spaces are listed with the
 * `org_id` filter (every space the caller sees belongs to an organization it
 * sees: docs/identity.md).
 */
async function spaceOrganizations(client: Client, organizations: Organization[]): Promise<Map<string, Organization>> {
  const held = new Map<string, Organization>();
  const lists = await Promise.all(organizations.map((org) => client.all<Space>("/v2/spaces", "spaces", { org_id: org.id })));
  organizations.forEach((org, i) => {
    for (const space of lists[i] ?? []) held.set(space.id, org);
  });
  return held;
}

/**
 * The organization of each listed space (for a table column), looked up again
 * whenever a listed space is not known yet (one created since, say).
 */
export function useSpaceOrganizations(organizations: Organization[], spaceIds: string[]): ReadonlyMap<string, Organization> {
  const { client } = useSession();
  const [held, setHeld] = useState<{ lookedUp: string; map: ReadonlyMap<string, Organization> }>({ lookedUp: "", map: new Map() });
  const missing = spaceIds.filter((id) => !held.map.has(id)).join(",");
  const orgKey = organizations.map((org) => org.id).join(",");
  // What was looked up last: the same organizations and missing spaces are not looked up again.
  const lookup = `${orgKey}|${missing}`;
  useEffect(() => {
    if (missing === "" || organizations.length === 0 || held.lookedUp === lookup) return;
    let current = true;
    spaceOrganizations(client, organizations).then(
      (map) => current && setHeld({ lookedUp: lookup, map }),
      () => current && setHeld((known) => ({ ...known, lookedUp: lookup })),
    );
    return () => {
      current = false;
    };
  }, [client, organizations, missing, lookup, held.lookedUp]);
  return held.map;
}

/**
 * The extension form of some keys (GET /v2/api-keys/{id}: a service key's
 * space, when a key was rotated), each read once and cached as
 * ["api-key", id] until a list reload refreshes it.
 */
export function useKeyDetails(ids: string[]): ReadonlyMap<string, ApiKeyDetail> {
  const { client } = useSession();
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ["api-keys", "detail", id],
      queryFn: () => client.get<ApiKeyDetail>(`/v2/api-keys/${encodeURIComponent(id)}`),
    })),
  });
  const found = new Map<string, ApiKeyDetail>();
  unique.forEach((id, i) => {
    const data = results[i]?.data;
    if (data !== undefined) found.set(id, data);
  });
  return found;
}

/** Labels spaces "organization / space" when the organizations can be read, else by name. */
async function loadSpaceChoices(client: Client): Promise<SpaceChoice[]> {
  const spaces = await client.all<Space>("/v2/spaces", "spaces");
  const held = await client
    .all<Organization>("/v2/organizations", "organizations")
    .then((organizations) => spaceOrganizations(client, organizations))
    .catch(() => new Map<string, Organization>());
  return spaces.map((space) => {
    const org = held.get(space.id);
    return {
      value: space.id,
      label: org === undefined ? displayText(space.name) : `${displayText(org.name)} / ${displayText(space.name)}`,
    };
  });
}

/** The spaces the signed-in caller can see, for pickers; the load's problem detail when it fails. */
export function useSpaceChoices(): { spaces: SpaceChoice[]; error: string | undefined } {
  const { client } = useSession();
  const query = useQuery({ queryKey: ["space-choices"], queryFn: () => loadSpaceChoices(client), staleTime: 30_000 });
  return { spaces: query.data ?? [], error: query.error === null ? undefined : errorDetail(query.error) };
}

/**
 * The space label of each service key on a page. Arize's ApiKey does not name
 * a service key's space: when the list is filtered by a space it is that one;
 * otherwise each service key is read once through the extension route
 * GET /v2/api-keys/{id}, whose ApiKeyDetail carries `space_id`.
 */
export function useKeySpaces(keys: ApiKey[], filterSpaceId: string, choices: SpaceChoice[]): (key: ApiKey) => string | undefined {
  const details = useKeyDetails(filterSpaceId === "" ? keys.filter((key) => key.key_type === "service").map((key) => key.id) : []);
  const spaceIds = new Map([...details].map(([id, detail]) => [id, detail.space_id ?? ""]));
  const label = (spaceId: string) => choices.find((choice) => choice.value === spaceId)?.label ?? spaceId;
  return (key) => {
    if (key.key_type !== "service") return undefined;
    const spaceId = filterSpaceId === "" ? spaceIds.get(key.id) : filterSpaceId;
    return spaceId === undefined || spaceId === "" ? undefined : label(spaceId);
  };
}
