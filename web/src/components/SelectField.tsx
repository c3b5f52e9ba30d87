import { Field } from "./Field";

export type Choice = string | { value: string; label: string };

function valueOf(choice: Choice): string {
  return typeof choice === "string" ? choice : choice.value;
}

function labelOf(choice: Choice): string {
  return typeof choice === "string" ? choice : choice.label;
}

/** A labelled <select>; `placeholder` adds a first, empty choice. */
export function SelectField(props: {
  label: string;
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
  placeholder?: string;
  hint?: string;
  required?: boolean;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id, hintId) => (
        <select
          id={id}
          aria-describedby={hintId}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          required={props.required}
        >
          {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
          {props.choices.map((choice) => (
            <option key={valueOf(choice)} value={valueOf(choice)}>
              {labelOf(choice)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
