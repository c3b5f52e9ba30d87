/**
 * The key an email is compared by (users.email_key, unique): NFKC, so a
 * fullwidth `ｍember@example.com` or a ligature is the same text as its plain
 * form, then lower-cased, then NFKC again (lower-casing can leave text that is
 * not in NFKC). Case folding is toLowerCase, which is locale-independent (never
 * toLocaleLowerCase: under a Turkish locale "I" would become a dotless "ı"),
 * plus the one fold toLowerCase misses by design: a final sigma "ς" is "σ".
 * "ß" stays "ß" (simple folding; full folding would make it "ss"). Every
 * email_key, and every email search, goes through this one function.
 * docs/decisions.md
 */
export function emailKey(email: string): string {
  return email.normalize("NFKC").toLowerCase().replace(/ς/g, "σ").normalize("NFKC");
}
