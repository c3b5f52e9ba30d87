import { useState, type FormEvent } from "react";
import { expiryFromDays } from "../format";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { ApiKey, IssuedKey } from "../types";
import { Dialog } from "./Dialog";
import { ErrorText } from "./ErrorText";
import { ExpiryField } from "./ExpiryField";
import { Field } from "./Field";
import { SecretReveal } from "./SecretReveal";

const GRACE_CHOICES = [
  { label: "None: the old key stops working now", seconds: 0 },
  { label: "5 minutes", seconds: 300 },
  { label: "1 hour", seconds: 3600 },
  { label: "6 hours", seconds: 21_600 },
  { label: "24 hours", seconds: 86_400 },
];

/** Rotates a key: a new secret, the old one kept for an optional grace period; shows the new key once. */
export function RotateKeyDialog({ apiKey, onClose, onRotated }: { apiKey: ApiKey; onClose: () => void; onRotated: (graceSeconds: number) => void }) {
  const { client } = useSession();
  const [graceSeconds, setGraceSeconds] = useState(0);
  const [days, setDays] = useState(0);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, unknown> = { grace_period_seconds: graceSeconds };
    const expiresAt = expiryFromDays(days);
    if (expiresAt !== undefined) body.expires_at = expiresAt;
    const result = await action.run(() => client.post<IssuedKey>(`/v2/api-keys/${encodeURIComponent(apiKey.id)}/refresh`, body));
    if (result.ok) {
      setIssued(result.value);
      onRotated(graceSeconds);
    }
  };

  if (issued !== null) {
    return (
      <Dialog title={`Key “${issued.name}” rotated`} onClose={onClose}>
        <p>
          {graceSeconds === 0
            ? `The old key ${apiKey.redacted_key} no longer works.`
            : `The old key ${apiKey.redacted_key} keeps working for the grace period, then stops.`}
        </p>
        <SecretReveal rawKey={issued.key} onDone={onClose} />
      </Dialog>
    );
  }
  return (
    <Dialog title={`Rotate “${apiKey.name}”`} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <p>
          Issues a new secret for <strong>{apiKey.name}</strong> ({apiKey.redacted_key}) with the same name, type and permissions.
        </p>
        <Field label="Grace period for the old key" hint="Time to roll the new key out before the old one stops working.">
          {(id, hintId) => (
            <select id={id} aria-describedby={hintId} value={graceSeconds} onChange={(event) => setGraceSeconds(Number(event.target.value))}>
              {GRACE_CHOICES.map((choice) => (
                <option key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ExpiryField label="New key expires" days={days} onChange={setDays} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.pending}>
            Rotate key
          </button>
        </div>
        <ErrorText error={action.error} />
      </form>
    </Dialog>
  );
}
