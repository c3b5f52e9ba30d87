import { useQueries } from "@tanstack/react-query";
import { useSession } from "./session";
import type { User } from "./types";

/**
 * Names for user ids: "you" for the signed-in user; account admins may read
 * other users, so each name is fetched once (cached as ["user", id]); anyone
 * else reads "another user".
 */
export function useUserNames(ids: string[]): (id: string) => string {
  const { client, me } = useSession();
  const wanted = me.isAdmin ? [...new Set(ids)].filter((id) => id !== me.userId) : [];
  const users = useQueries({
    queries: wanted.map((id) => ({
      queryKey: ["user", id],
      queryFn: () => client.get<User>(`/v2/users/${encodeURIComponent(id)}`),
      staleTime: 60_000,
    })),
  });
  const names = new Map<string, string>();
  wanted.forEach((id, i) => {
    const name = users[i]?.data?.name;
    if (name !== undefined) names.set(id, name);
  });
  // Nobody reads a raw id: a name not known (yet, or not readable by a non-admin) reads as words.
  return (id) => (id === me.userId ? "you" : (names.get(id) ?? (me.isAdmin ? "…" : "another user")));
}
