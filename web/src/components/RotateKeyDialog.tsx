import { displayText, StoredText } from "./StoredText";
import { useState, type FormEvent } from "react";
import { EXPIRY_CHOICES, expiryFromDays, formatDateTime, formatRelative } from "../format";
import { useAction } from "../hooks";
import { useSession } from "../session";
import type { ApiKey, IssuedKey } from "../types";
import { Dialog } from "./Dialog";
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

/** The expiry choice that keeps the old key's expiry. */
const SAME = "same";

/** When the old key stops: the grace period's end, or its own expiry if that comes first (SPEC §6). */
function graceEnd(key: ApiKey, graceSeconds: number): string {
  const end = Date.now() + graceSeconds * 1000;
  return key.expires_at !== undefined && new Date(key.expires_at).getTime() < end ? key.expires_at : new Date(end).toISOString();
}

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
  // The new key keeps the old one's remaining lifetime unless another expiry is chosen: rotating
  // a key that expires must not quietly make its successor live forever.
  const [expiry, setExpiry] = useState(apiKey.expires_at === undefined ? "0" : SAME);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, unknown> = { grace_period_seconds: graceSeconds };
    const expiresAt = expiry === SAME ? apiKey.expires_at : expiryFromDays(Number(expiry));
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
            : `The old key ${apiKey.redacted_key} keeps working until ${formatDateTime(graceEnd(apiKey, graceSeconds))}, then stops.`}
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
        <SelectField
          label="New key expires"
          hint={apiKey.expires_at === undefined ? undefined : "By default the new key expires when the old one would have."}
          value={expiry}
          choices={[
            ...(apiKey.expires_at === undefined
              ? []
              : [
                  {
                    value: SAME,
                    label: `Same as the old key: ${formatDateTime(apiKey.expires_at)} (${formatRelative(apiKey.expires_at)})`,
                  },
                ]),
            ...EXPIRY_CHOICES.map((choice) => ({ value: String(choice.days), label: choice.label })),
          ]}
          onChange={setExpiry}
        />
        <FormActions submitLabel="Rotate key" pending={action.pending} error={action.error} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
