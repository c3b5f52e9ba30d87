import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "./api";

/**
 * The cache of server data for one signed-in session (docs/console.md,
 * "Data"): made when the console opens signed in and dropped with it at
 * sign-out, so nothing read with one key is shown after another signs in.
 * Loaded after sign-in, in its own chunk: the sign-in screen needs none of it.
 * Nothing is refetched on focus, and a refusal (4xx) is shown at once instead
 * of retried.
 */
export default function SessionQueries({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            refetchOnWindowFocus: false,
            retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 1,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
