import { useEffect, useState } from "react";
import { useSession } from "./session";
import type { User } from "./types";

/**
 * Names for user ids: "you" for the signed-in user; account admins may read
 * other users, so their names are fetched once each; anyone else sees the id.
 */
export function useUserNames(ids: string[]): (id: string) => string {
  const { client, me } = useSession();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = [...new Set(ids)].filter((id) => id !== me.userId && !names.has(id));
  const wantedKey = wanted.join(",");
  useEffect(() => {
    if (!me.isAdmin || wantedKey === "") return;
    let current = true;
    void Promise.all(
      wantedKey.split(",").map((id) =>
        client.get<User>(`/v2/users/${encodeURIComponent(id)}`).then(
          (user) => [id, user.name] as const,
          () => [id, id] as const,
        ),
      ),
    ).then((found) => {
      if (current) setNames((known) => new Map([...known, ...found]));
    });
    return () => {
      current = false;
    };
  }, [client, me.isAdmin, wantedKey]);
  return (id) => (id === me.userId ? "you" : (names.get(id) ?? id));
}
