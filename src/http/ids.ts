import { hash } from "node:crypto";
import { ProblemError } from "./problem.js";

/** The entity types an opaque id can name (SPEC §2). */
export type IdType = "ApiKey" | "User" | "Organization" | "Space" | "Membership" | "AuditEvent" | "Project" | "Role" | "RoleBinding";

const SUFFIX_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DECODED_PATTERN = /^([A-Za-z]+):([1-9][0-9]{0,15})(?::([0-9A-Za-z]{4}))?$/;

/**
 * The row a suffix-less id (`Type:number`, the form Arize's own ids and its
 * client's tests use) decodes to. keyhouse never issues that form, so it names
 * nothing: no table holds row 0, lookups answer 404 and filters match nothing,
 * as SPEC §2 says for "a well-formed id of nothing".
 */
export const UNISSUED_ROW = 0;

/**
 * Suffixes already computed. Every request decodes one id and encodes two or
 * more (a list page: two per key, the creator's the same on every row), each a
 * SHA-256; ids are public and deterministic, so remembering them is safe.
 */
const suffixes = new Map<string, string>();
const MAX_REMEMBERED_SUFFIXES = 10_000;

/**
 * A four-character check derived from type and number. It is not a secret: it
 * makes hand-edited ids fail to decode instead of naming some other row.
 */
function suffixOf(type: IdType, n: number): string {
  const name = `${type}:${n}`;
  const known = suffixes.get(name);
  if (known !== undefined) return known;
  // The one-shot hash: building a Hash object per call cost half again as much.
  const digest = hash("sha256", `keyhouse:${name}`, "buffer");
  let out = "";
  for (let i = 0; i < 4; i++) out += SUFFIX_ALPHABET.charAt((digest[i] ?? 0) % 62);
  if (suffixes.size >= MAX_REMEMBERED_SUFFIXES) suffixes.clear();
  suffixes.set(name, out);
  return out;
}

/** Encodes a row number as the opaque wire id: base64 of `Type:number:suffix`. */
export function encodeId(type: IdType, n: number): string {
  return Buffer.from(`${type}:${n}:${suffixOf(type, n)}`, "utf8").toString("base64");
}

export type DecodedId = { ok: true; n: number } | { ok: false; reason: "malformed" | "wrong_type" };

/** Decodes a wire id of the expected type; strict about base64, type and suffix. */
export function decodeId(type: IdType, id: string): DecodedId {
  if (id.length === 0 || id.length > 64) return { ok: false, reason: "malformed" };
  const decoded = Buffer.from(id, "base64");
  // Buffer.from ignores junk; re-encoding proves the input was canonical base64.
  if (decoded.toString("base64") !== id) return { ok: false, reason: "malformed" };
  const match = DECODED_PATTERN.exec(decoded.toString("latin1"));
  if (!match) return { ok: false, reason: "malformed" };
  const [, decodedType, digits, suffix] = match;
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return { ok: false, reason: "malformed" };
  if (decodedType !== type) return { ok: false, reason: "wrong_type" };
  if (suffix === undefined) return { ok: true, n: UNISSUED_ROW };
  if (suffix !== suffixOf(type, n)) return { ok: false, reason: "malformed" };
  return { ok: true, n };
}

/** Each id type as a person reads it in a sentence: "is not an API key id". */
const ID_NOUNS: Record<IdType, string> = {
  ApiKey: "an API key",
  User: "a user",
  Organization: "an organization",
  Space: "a space",
  Membership: "a membership",
  AuditEvent: "an audit event",
  Project: "a project",
  Role: "a role",
  RoleBinding: "a role binding",
};

/** Decodes a wire id at the edge, or throws a 400 naming the field. */
export function requireId(type: IdType, id: string, field: string): number {
  const decoded = decodeId(type, id);
  if (decoded.ok) return decoded.n;
  const reason = decoded.reason === "wrong_type" ? `is not ${ID_NOUNS[type]} id` : "is not a valid id";
  throw new ProblemError("INVALID_ID", { detail: `${field} ${reason}` });
}
