import { useCallback, useState } from "react";
import { errorDetail } from "./api";

/** Runs one user action at a time and keeps the problem detail of its failure. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    setPending(true);
    setError(undefined);
    try {
      return { ok: true, value: await action() };
    } catch (caught) {
      setError(errorDetail(caught));
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  /** Shows a message found before asking the server (a check of the form). */
  const fail = useCallback((message: string) => setError(message), []);
  return { run, pending, error, clear, fail };
}
