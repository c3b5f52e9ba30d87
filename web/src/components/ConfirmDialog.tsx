import type { ReactNode } from "react";
import { useAction } from "../hooks";
import { Dialog } from "./Dialog";
import { ErrorText } from "./ErrorText";

/** Asks before a destructive action; the action's problem detail shows beside its button. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
}) {
  const action = useAction();
  const confirm = async () => {
    const result = await action.run(props.onConfirm);
    if (result.ok) {
      props.onDone();
      props.onClose();
    }
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      {props.children}
      <div className="actions">
        <button type="button" onClick={props.onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void confirm()} disabled={action.pending}>
          {props.confirmLabel}
        </button>
      </div>
      <ErrorText error={action.error} />
    </Dialog>
  );
}
