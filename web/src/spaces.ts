import { displayText } from "./components/StoredText";
import { useEffect, useState } from "react";
import { errorDetail } from "./api";
import { useSession } from "./session";
import type { Organization, Space } from "./types";

/** A space as a picker choice: its id and a label. */
export interface SpaceChoice {
  value: string;
  label: string;
}

/** Labels spaces "organization / space" when the organizations can be read, else by name. */
function labelSpaces(spaces: Space[], organizations: Organization[]): SpaceChoice[] {
  const orgNames = new Map(organizations.map((org) => [org.id, org.name]));
  return spaces.map((space) => {
    const org = orgNames.get(space.organization_id);
    return { value: space.id, label: org === undefined ? displayText(space.name) : `${displayText(org)} / ${displayText(space.name)}` };
  });
}

/** The spaces the signed-in caller can see, for pickers; the load's problem detail when it fails. */
export function useSpaceChoices(): { spaces: SpaceChoice[]; error: string | undefined } {
  const { client } = useSession();
  const [state, setState] = useState<{ spaces: SpaceChoice[]; error: string | undefined }>({ spaces: [], error: undefined });
  useEffect(() => {
    let current = true;
    (async () => {
      const spaces = await client.all<Space>("/v2/spaces", "spaces");
      const organizations = await client.all<Organization>("/v2/organizations", "organizations").catch(() => []);
      return labelSpaces(spaces, organizations);
    })().then(
      (spaces) => current && setState({ spaces, error: undefined }),
      (error: unknown) => current && setState({ spaces: [], error: errorDetail(error) }),
    );
    return () => {
      current = false;
    };
  }, [client]);
  return state;
}
