import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Client, errorDetail } from "../api";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { SecretReveal } from "../components/SecretReveal";
import { StoredText } from "../components/StoredText";
import { formatDateTime } from "../format";
import { useAction } from "../hooks";
import { saveKey } from "../session";
import type { ClaimInspection, IssuedKey } from "../types";

/**
 * The page a claim link opens (`#/claim/<token>`, docs/invitations.md): no
 * sign-in; it shows who the link is for, lets the person name and mint their
 * key, and shows it once. The token travels only in request bodies, and leaves
 * the address bar once the key is minted.
 */
export function ClaimPage({ token }: { token: string }) {
  const client = useMemo(() => new Client(null), []);
  const [inspection, setInspection] = useState<{ token: string; found: ClaimInspection | undefined; error?: string }>();
  const [name, setName] = useState("");
  const [issued, setIssued] = useState<IssuedKey | undefined>(undefined);
  const action = useAction();

  useEffect(() => {
    let current = true;
    client.post<ClaimInspection>("/v2/claims/inspect", { token }).then(
      (found) => current && setInspection({ token, found }),
      (error: unknown) => current && setInspection({ token, found: undefined, error: errorDetail(error) }),
    );
    return () => {
      current = false;
    };
  }, [client, token]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(() => client.post<IssuedKey>("/v2/claims/redeem", { token, name }));
    if (result.ok) {
      window.history.replaceState(null, "", "#/claim");
      setIssued(result.value);
    }
  };

  const found = inspection?.token === token ? inspection.found : undefined;
  const invitation = found?.kind === "invitation";
  return (
    <main className="signin claim" aria-busy={inspection === undefined}>
      <h1>keyhouse</h1>
      {inspection === undefined && <p className="loading">Checking your link…</p>}
      {inspection?.error !== undefined && (
        <p className="notice" role="alert">
          {inspection.error}
        </p>
      )}
      {found !== undefined && issued === undefined && (
        <form onSubmit={(event) => void submit(event)} aria-labelledby="claim-heading">
          <h2 id="claim-heading">{invitation ? "Accept your invitation" : "Recover your access"}</h2>
          <p>
            This {invitation ? "invitation" : "recovery link"} is for <StoredText text={found.user.name} /> (
            <StoredText text={found.user.email} />) and works once, until{" "}
            <time dateTime={found.expires_at}>{formatDateTime(found.expires_at)}</time>.
          </p>
          <Field label="Key name" hint="Say where the key will live, such as “laptop” or “CI”.">
            {(id, hintId) => (
              <input
                id={id}
                aria-describedby={hintId}
                value={name}
                onChange={(event) => setName(event.target.value)}
                required
                autoComplete="off"
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={action.pending}>
              {invitation ? "Create my first API key" : "Create a new API key"}
            </button>
          </div>
          <ErrorText error={action.error} />
        </form>
      )}
      {issued !== undefined && (
        <SecretReveal
          rawKey={issued.key}
          onDone={() => {
            // Signs this tab in with the new key, as the sign-in form would.
            saveKey(issued.key);
            window.location.hash = "#/keys";
          }}
        />
      )}
    </main>
  );
}
