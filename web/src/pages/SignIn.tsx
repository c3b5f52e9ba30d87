import { useState, type FormEvent } from "react";
import { ApiError, Client } from "../api";
import { ErrorText } from "../components/ErrorText";
import { Field } from "../components/Field";
import { useAction } from "../action";
import { loadMe } from "../me";
import { saveKey, type Session } from "../session";

/** Sign-in with an API key; the key is checked against the server before it is kept for this tab. */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Omit<Session, "signOut">) => void; notice: string | undefined }) {
  const [key, setKey] = useState("");
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = key.trim();
    if (typed === "") return;
    if (!typed.startsWith("ak-")) {
      action.fail("That is not an API key: keyhouse keys start with “ak-”. Paste the whole key you were given.");
      return;
    }
    const client = new Client(typed);
    const result = await action.run(() =>
      loadMe(client).catch((error: unknown) => {
        // The server's 401 is written for programs ("send Authorization: Bearer <key>"); say what it means here.
        if (error instanceof ApiError && error.status === 401) {
          throw new ApiError({
            status: 401,
            title: error.title,
            detail: "This key was not accepted. Check that you pasted all of it; it may also have been deleted or have expired.",
          });
        }
        throw error;
      }),
    );
    if (result.ok) {
      saveKey(typed);
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
              aria-describedby={action.error === undefined ? hintId : `${hintId} signin-error`}
              aria-invalid={action.error !== undefined}
              value={key}
              onChange={(event) => setKey(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="ak-…"
              required
            />
          )}
        </Field>
        <ErrorText error={action.error} id="signin-error" />
        <div className="actions">
          <button type="submit" className="primary" disabled={action.pending}>
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}
