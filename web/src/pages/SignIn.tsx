import { useState, type FormEvent } from "react";
import { Client } from "../api";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { useAction } from "../hooks";
import { loadMe } from "../me";
import { saveKey, type Session } from "../session";

/** Sign-in with an API key; the key is checked against the server before it is kept for this tab. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Omit<Session, "signOut">) => void; notice: string | undefined }) {
  const [key, setKey] = useState("");
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const client = new Client(key.trim());
    const result = await action.run(() => loadMe(client));
    if (result.ok) {
      saveKey(key.trim());
      setKey("");
      onSignedIn({ client, me: result.value });
    }
  };
  return (
    <main className="signin">
      <h1>keyhouse</h1>
      <form onSubmit={(event) => void submit(event)} aria-labelledby="signin-heading">
        <h2 id="signin-heading">Sign in</h2>
        {notice !== undefined && <p className="notice">{notice}</p>}
        <Field label="API key" hint="Kept in this browser tab only (session storage) and forgotten when you sign out or close the tab.">
          {(id, hintId) => (
            <input
              id={id}
              type="password"
              aria-describedby={hintId}
              value={key}
              onChange={(event) => setKey(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="ak-…"
              required
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={action.pending}>
            Sign in
          </button>
        </div>
        <ErrorText error={action.error} />
      </form>
    </main>
  );
}
