import { Type, type TUnsafe } from "typebox";

/** A string enum that also says `type: string`, which generated clients rely on. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

/**
 * Characters that are invisible or change the direction of the text around
 * them: bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 * the direction marks (U+200E, U+200F, U+061C), and the zero-width characters
 * (U+200B–U+200D, U+2060, U+FEFF). A stored name holding one could reorder the
 * line it is printed on, or look like another name (docs/decisions.md).
 */
export const INVISIBLE_CHARS = "\\u061C\\u200B-\\u200F\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF";

/**
 * Multi-line text (descriptions): no control characters but tab, line feed and
 * carriage return (C0, DEL and C1), no invisible or direction-changing
 * characters, and no unpaired surrogates (ajv matches patterns by code point,
 * so a lone surrogate is caught). PostgreSQL cannot store NUL, and both stores
 * would silently alter a lone surrogate; refusing them keeps writes exact.
 */
export const TEXT_PATTERN = `^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${INVISIBLE_CHARS}\\uD800-\\uDFFF]*$`;
/** Single-line text (names, emails): no control characters at all (C0, DEL, C1), and nothing invisible or direction-changing. */
export const LINE_PATTERN = `^[^\\u0000-\\u001F\\u007F-\\u009F${INVISIBLE_CHARS}\\uD800-\\uDFFF]*$`;

export const IdString = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, description, examples: ["QXBpS2V5OjQyOng3UWE="] });

export const Timestamp = (description: string) =>
  Type.String({ format: "date-time", maxLength: 40, description, examples: ["2030-01-15T10:30:00Z"] });

/**
 * The RFC 9457 problem body every error response carries: exactly Arize's
 * `Problem` (no other member). The request id is in the X-Request-Id header.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: "urn:keyhouse:problem:<code>; the last segment is the stable machine code to switch on (docs/problems.md)",
      examples: ["urn:keyhouse:problem:validation-failed"],
    }),
    title: Type.String({ description: "A short summary of the problem type" }),
    status: Type.Integer({ description: "The HTTP status code" }),
    detail: Type.String({ description: "What went wrong this time, written for a person" }),
    instance: Type.String({ description: "The request path" }),
  },
  { $id: "Problem", additionalProperties: false, description: "RFC 9457 problem details" },
);

export const PaginationSchema = Type.Object(
  {
    has_more: Type.Boolean({ description: "True when more items follow this page" }),
    next_cursor: Type.Optional(Type.String({ description: "Pass as `cursor` to read the next page; present only when has_more" })),
  },
  { additionalProperties: false, description: "Pagination metadata for cursor-based navigation" },
);

export const LimitQuery = Type.Integer({ minimum: 1, maximum: 100, default: 50, description: "Maximum items to return" });
export const CursorQuery = Type.String({
  minLength: 1,
  maxLength: 512,
  description: "Opaque pagination cursor from a previous response (pagination.next_cursor)",
});

/** Error responses, by status, for a route's OpenAPI entry. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: "Problem details (RFC 9457)", content: { "application/problem+json": { schema: { $ref: "Problem#" } } } },
    ]),
  );
}
