import { EXPIRY_CHOICES } from "../format";
import { Field } from "./Field";

/** A choice of expiry in days from now (0: never). */
export function ExpiryField({ label, days, onChange }: { label: string; days: number; onChange: (days: number) => void }) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} value={days} onChange={(event) => onChange(Number(event.target.value))}>
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
