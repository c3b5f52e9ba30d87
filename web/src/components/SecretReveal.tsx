import { useId, useState } from "react";

/**
 * Shows a raw key exactly once. It lives only in the caller's React state and
 * is gone when the dialog closes: never stored, logged, or put in the URL.
 */
export function SecretReveal({ rawKey, onDone }: { rawKey: string; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const inputId = useId();
  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(rawKey);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };
  return (
    <div className="reveal">
      <p className="warning">
        <strong>Copy this key now.</strong> keyhouse keeps only a hash of it: you will not be able to see it again. Anyone holding it can
        act with its permissions, so store it in a secret manager, not in code.
      </p>
      <label htmlFor={inputId}>New API key</label>
      <div className="secret-row">
        <input
          id={inputId}
          className="secret"
          readOnly
          value={rawKey}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copyKey()}>
          Copy
        </button>
      </div>
      <p className="copy-status" aria-live="polite">
        {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? "Could not copy: select the key and copy it by hand." : ""}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
