import { displayText, StoredText } from "./StoredText";
import { useState, type FormEvent } from "react";
import { expiryFromDays } from "../format";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { ApiKey, IssuedKey } from "../types";
import { Dialog } from "./Dialog";
import { ExpiryField } from "./ExpiryField";
import { FormActions } from "./FormActions";
import { SecretReveal } from "./SecretReveal";
import { SelectField } from "./SelectField";

/** Grace periods in seconds, as select choices. */
const GRACE_CHOICES = [
  { label: "None: the old key stops working now", value: "0" },
  { label: "5 minutes", value: "300" },
  { label: "1 hour", value: "3600" },
  { label: "6 hours", value: "21600" },
  { label: "24 hours", value: "86400" },
];

/** Rotates a key: a new secret, the old one kept for an optional grace period; shows the new key once. */
export function RotateKeyDialog({
  apiKey,
  onClose,
  onRotated,
}: {
  apiKey: ApiKey;
  onClose: () => void;
  onRotated: (graceSeconds: number) => void;
}) {
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
      <Dialog title={`Key “${displayText(issued.name)}” rotated`} onClose={onClose}>
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
    <Dialog title={`Rotate “${displayText(apiKey.name)}”`} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <p>
          Issues a new secret for{" "}
          <strong>
            <StoredText text={apiKey.name} />
          </strong>{" "}
          ({apiKey.redacted_key}) with the same name, type and permissions.
        </p>
        <SelectField
          label="Grace period for the old key"
          hint="Time to roll the new key out before the old one stops working."
          value={String(graceSeconds)}
          choices={GRACE_CHOICES}
          onChange={(value) => setGraceSeconds(Number(value))}
        />
        <ExpiryField label="New key expires" days={days} onChange={setDays} />
        <FormActions submitLabel="Rotate key" pending={action.pending} error={action.error} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
