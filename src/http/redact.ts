const SECRET_LIKE = /(ak|kc)-[0-9A-Za-z]{12,}/g;

/**
 * Masks anything shaped like a raw key (`ak-`) or a claim link's token (`kc-`),
 * so a secret pasted into a URL never reaches a log or an echo.
 */
export function maskKeys(text: string): string {
  return text.replace(SECRET_LIKE, (_match, prefix: string) => `${prefix}-[redacted]`);
}
