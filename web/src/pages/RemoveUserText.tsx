import { StoredText } from "../components/StoredText";
import { useEffect, useState } from "react";
import { useSession } from "../session";
import type { ApiKey, User } from "../types";

/** The warning before removing a user: how many of their keys stop working. */
export function RemoveUserText({ user }: { user: User }) {
  const { client } = useSession();
  const [count, setCount] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    client.page<ApiKey>("/v2/api-keys", "api_keys", { key_type: "user", user_id: user.id, limit: 100 }).then(
      (page) => current && setCount(page.nextCursor === undefined ? String(page.items.length) : "more than 100"),
      () => current && setCount(undefined),
    );
    return () => {
      current = false;
    };
  }, [client, user.id]);
  return (
    <div className="warning">
      <p>
        <strong>
          <StoredText text={user.name} /> (<StoredText text={user.email} />)
        </strong>{" "}
        loses access to keyhouse: they disappear from the user list (the audit trail keeps their history) and their organization and space
        memberships are removed.
      </p>
      <p>
        <strong>
          {count === undefined ? "All of their" : `Their ${count} active`} user API {count === "1" ? "key stops" : "keys stop"} working at
          once.
        </strong>{" "}
        Service keys they created keep working. This cannot be undone.
      </p>
    </div>
  );
}
