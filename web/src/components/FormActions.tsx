import { ErrorText } from "./ErrorText";

/** Cancel and submit for a dialog's form, with the submit's problem detail right below. */
export function FormActions({
  submitLabel,
  pending,
  error,
  onCancel,
}: {
  submitLabel: string;
  pending: boolean;
  error: string | undefined;
  onCancel: () => void;
}) {
  return (
    <>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={pending}>
          {submitLabel}
        </button>
      </div>
      <ErrorText error={error} />
    </>
  );
}
