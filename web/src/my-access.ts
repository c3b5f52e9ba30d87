import { useQuery } from "@tanstack/react-query";
import { errorDetail } from "./api";
import { loadMyAccess, type MyAccess } from "./access";
import { useSession } from "./session";

/**
 * The caller's spaces and roles (loadMyAccess), cached as ["my-access"] for
 * the session's pages. Apart from access.ts so that the console's first chunk
 * (App.tsx, which reads loadMyAccess for its nav) carries no TanStack Query.
 */
export function useMyAccess(): { access: MyAccess | undefined; error: string | undefined } {
  const { client, me } = useSession();
  const query = useQuery({ queryKey: ["my-access"], queryFn: () => loadMyAccess(client, me), staleTime: 30_000 });
  return { access: query.data, error: query.error === null ? undefined : errorDetail(query.error) };
}
