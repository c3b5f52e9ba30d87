import type { Client } from "./api";
import { displayText } from "./components/StoredText";
import type { Me } from "./session";
import type { Organization, Space } from "./types";

export type { Project, ResourceRestriction, Role, RoleBinding } from "../../src/features/access/schemas.js";

/** The predefined roles, strongest first: a membership holds one of them. */
const RANKS = ["annotator", "read-only", "member", "admin"] as const;
export type MemberRoleName = (typeof RANKS)[number];

/** A space the caller sees, with its organization and the caller's effective predefined role there. */
export interface MySpace {
  id: string;
  name: string;
  orgId: string;
  orgName: string;
  /** The caller's role in the space: an organization admin is an admin of its spaces; undefined when none. */
  role: MemberRoleName | undefined;
}

/** What the caller may do where, as far as the predefined roles tell (bindings of custom roles are not readable by their holder). */
export interface MyAccess {
  spaces: MySpace[];
  /** An account admin: every permission everywhere. */
  accountAdmin: boolean;
}

/** The caller's role in an organization or a space, read from its member list (anyone who sees it may list them). */
async function myRole(client: Client, path: string, userId: string): Promise<MemberRoleName | undefined> {
  const members = await client.all<{ user_id: string; role: { name: string } }>(`${path}/users`, "memberships");
  const role = members.find((member) => member.user_id === userId)?.role.name;
  return RANKS.find((rank) => rank === role);
}

/**
 * The spaces the caller sees, each with its organization and the caller's
 * role there. Account admins need no role look-ups; anyone else's roles are
 * read from the member lists of each organization and space they see.
 */
export async function loadMyAccess(client: Client, me: Me): Promise<MyAccess> {
  const organizations = await client.all<Organization>("/v2/organizations", "organizations");
  const spaces: MySpace[] = [];
  await Promise.all(
    organizations.map(async (org) => {
      const [orgSpaces, orgRole] = await Promise.all([
        client.all<Space>("/v2/spaces", "spaces", { org_id: org.id }),
        me.isAdmin
          ? Promise.resolve<MemberRoleName>("admin")
          : myRole(client, `/v2/organizations/${encodeURIComponent(org.id)}`, me.userId),
      ]);
      const roles = await Promise.all(
        orgSpaces.map((space) =>
          orgRole === "admin" ? Promise.resolve(undefined) : myRole(client, `/v2/spaces/${encodeURIComponent(space.id)}`, me.userId),
        ),
      );
      orgSpaces.forEach((space, i) => {
        const role = orgRole === "admin" ? "admin" : roles[i];
        spaces.push({ id: space.id, name: space.name, orgId: org.id, orgName: org.name, role });
      });
    }),
  );
  spaces.sort((a, b) => `${a.orgName}/${a.name}`.localeCompare(`${b.orgName}/${b.name}`));
  return { spaces, accountAdmin: me.isAdmin };
}

/** At least `least` in the predefined ranks (admin > member > read-only > annotator). */
export function atLeast(role: MemberRoleName | undefined, least: MemberRoleName): boolean {
  return role !== undefined && RANKS.indexOf(role) >= RANKS.indexOf(least);
}

/** "organization / space", the label of a space in pickers. */
export function spaceLabel(space: MySpace): string {
  return `${displayText(space.orgName)} / ${displayText(space.name)}`;
}
