import { EXPIRY_CHOICES } from "../format";
import { SelectField } from "./SelectField";

const CHOICES = EXPIRY_CHOICES.map((choice) => ({ value: String(choice.days), label: choice.label }));

/** A choice of expiry in days from now (0: never). */
export function ExpiryField({ label, days, onChange }: { label: string; days: number; onChange: (days: number) => void }) {
  return <SelectField label={label} value={String(days)} choices={CHOICES} onChange={(value) => onChange(Number(value))} />;
}
