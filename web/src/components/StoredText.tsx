/**
 * Bidi embeddings, overrides, isolates and marks, and zero-width characters.
 * The server refuses them in new names, descriptions and emails, but a store
 * written before it did may hold them (docs/identity.md, "Text").
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * Stored text as a plain string (titles, labels, options): bidi controls and
 * zero-width characters shown as `\u202E`-style escapes, so they can neither
 * reorder the text around them nor hide inside a look-alike.
 */
export function displayText(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/**
 * Stored text (a name, a description, an email) in the page: inside `<bdi>`
 * (`unicode-bidi: isolate`), so even a right-to-left name cannot reorder the
 * text beside it, and with bidi controls escaped by displayText.
 */
export function StoredText({ text, className }: { text: string; className?: string }) {
  return (
    <bdi className={className === undefined ? "stored-text" : `stored-text ${className}`} dir="auto">
      {displayText(text)}
    </bdi>
  );
}
