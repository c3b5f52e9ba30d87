import { useEffect, useId, useState } from "react";
import { errorDetail } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorText } from "../components/ErrorText";
import { displayText } from "../components/StoredText";
import { formatDateTime } from "../format";
import { useSession } from "../session";
import type { ClaimLink, User } from "../types";

/**
 * Fetches a fresh claim link for a user (POST /v2/users/{id}/claim-link) and
 * shows it once, to copy and hand over: an invitation for invited and expired
 * users, a recovery link for active ones. The user's previous link of that kind
 * stops working. The link lives in this dialog's state only.
 */
export function ClaimLinkDialog({ user, onClose, onIssued }: { user: User; onClose: () => void; onIssued: () => void }) {
  const { client } = useSession();
  const [answer, setAnswer] = useState<{ link: ClaimLink } | { error: string }>();
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const inputId = useId();
  useEffect(() => {
    let current = true;
    client.post<ClaimLink>(`/v2/users/${encodeURIComponent(user.id)}/claim-link`).then(
      (link) => {
        if (!current) return;
        setAnswer({ link });
        onIssued();
      },
      (error: unknown) => current && setAnswer({ error: errorDetail(error) }),
    );
    return () => {
      current = false;
    };
    // One link per opening of the dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const link = answer !== undefined && "link" in answer ? answer.link : undefined;
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  const kind = link?.kind === "recovery" ? "Recovery link" : "Invitation link";
  return (
    <Dialog title={`${kind} for ${displayText(user.name)}`} onClose={onClose}>
      {answer === undefined && <p className="loading">Issuing a link…</p>}
      <ErrorText error={answer !== undefined && "error" in answer ? answer.error : undefined} />
      {link !== undefined && (
        <div className="reveal">
          <p className="warning">
            <strong>Hand this link to {displayText(user.name)} only.</strong> It works once, until{" "}
            <time dateTime={link.expires_at}>{formatDateTime(link.expires_at)}</time>, and whoever opens it can create an API key acting as
            them. Their previous {link.kind} link no longer works.
          </p>
          <label htmlFor={inputId}>{kind}</label>
          <div className="secret-row">
            <input
              id={inputId}
              className="secret"
              readOnly
              value={link.url}
              spellCheck={false}
              autoComplete="off"
              onFocus={(event) => event.currentTarget.select()}
            />
            <button type="button" onClick={() => void copy(link.url)}>
              Copy
            </button>
          </div>
          <p className="copy-status" aria-live="polite">
            {copied === "copied"
              ? "Copied to the clipboard."
              : copied === "failed"
                ? "Could not copy: select the link and copy it by hand."
                : ""}
          </p>
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
