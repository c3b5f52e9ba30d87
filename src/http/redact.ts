const KEY_LIKE = /ak-[0-9A-Za-z]{12,}/g;

/** Masks anything shaped like a raw key, so a key pasted into a URL never reaches a log or an echo. */
export function maskKeys(text: string): string {
  return text.replace(KEY_LIKE, "ak-[redacted]");
}
