import { Ajv, type ErrorObject, type Options } from "ajv";
import type { FastifySchemaCompiler } from "fastify";
import { INVISIBLE_CHARS } from "./schemas.js";

const common: Options = {
  allErrors: false,
  useDefaults: true,
  // Unknown properties must fail validation, never vanish silently.
  removeAdditional: false,
  strict: false,
  // Timestamps are checked by parseTimestamp, which gives a clearer error.
  formats: { "date-time": true },
  // The failing value on each error, so a pattern error can name the character it refused.
  verbose: true,
};

/** The only text an integer query or path parameter may be: digits, optionally after a minus. */
const INTEGER_TEXT = /^-?[0-9]+$/;

type Validator = ((data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] | null };

/**
 * Query strings and path parameters arrive as text, so they are coerced (limit
 * "10" → 10); JSON bodies are not: `{"name": 123}` is a type error, not a name.
 * Ajv's coercion is JavaScript's `Number()`, which also takes `1e1`, `+5`,
 * ` 10` and `0x10`: an integer parameter is refused unless its text is plain
 * digits, before Ajv coerces it.
 */
export function buildValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const coercing = new Ajv({ ...common, coerceTypes: true });
  const strict = new Ajv({ ...common, coerceTypes: false });
  return ({ schema, httpPart }) => {
    if (httpPart === "body") return strict.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
    const validate = coercing.compile(schema as object) as Validator;
    const integers = integerProperties(schema);
    if (integers.length === 0) return validate as ReturnType<FastifySchemaCompiler<unknown>>;
    const checked: Validator = (data) => {
      if (typeof data === "object" && data !== null) {
        for (const name of integers) {
          const value = (data as Record<string, unknown>)[name];
          if (typeof value === "string" && !INTEGER_TEXT.test(value)) {
            checked.errors = [{ keyword: "type", instancePath: `/${name}`, params: { type: "integer" } }];
            return false;
          }
        }
      }
      const valid = validate(data);
      checked.errors = validate.errors;
      return valid;
    };
    return checked as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/** The names of a flat object schema's integer properties. */
function integerProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | null)?.properties;
  if (typeof properties !== "object" || properties === null) return [];
  return Object.entries(properties)
    .filter(([, property]) => property.type === "integer")
    .map(([name]) => name);
}

const PART_NAMES: Record<string, string> = {
  body: "body",
  querystring: "query parameter",
  params: "path parameter",
  headers: "header",
};

/** One readable sentence naming the offending field of the first validation error. */
export function describeValidationError(errors: readonly Partial<ErrorObject>[], context: string | undefined): string {
  const error = errors[0];
  if (!error) return "the request is invalid";
  const part = PART_NAMES[context ?? "body"] ?? context ?? "request";
  const path = (error.instancePath ?? "").split("/").filter(Boolean).join(".");
  const params = (error.params ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `${part} "${joinPath(path, String(params.additionalProperty))}" is not allowed`;
    case "required":
      return `${part} "${joinPath(path, String(params.missingProperty))}" is required`;
    default: {
      const subject = path === "" ? (context === "body" ? "the body" : `the ${part}s`) : `${part} "${path}"`;
      return `${subject} ${humanMessage(error)}`;
    }
  }
}

function joinPath(path: string, field: string): string {
  return path === "" ? field : `${path}.${field}`;
}

function humanMessage(error: Partial<ErrorObject>): string {
  const params = (error.params ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `must be ${article(String(params.type))}`;
    case "minLength":
      return Number(params.limit) === 1 ? "must not be empty" : `must be at least ${String(params.limit)} characters`;
    case "maxLength":
      return `must be at most ${String(params.limit)} characters`;
    case "pattern":
      return describeRefusedCharacter(error.data, error.schema);
    case "minimum":
    case "maximum":
      return `must be ${params.comparison === ">=" ? "at least" : "at most"} ${String(params.limit)}`;
    case "enum":
      return `must be one of: ${(params.allowedValues as unknown[]).join(", ")}`;
    case "const":
    case "anyOf":
      return "has a value that is not one of the allowed values";
    default:
      return error.message ?? "is invalid";
  }
}

const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, "u");
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a text pattern (LINE_PATTERN, TEXT_PATTERN) refused a value: the first
 * character the pattern does not allow, named as U+XXXX, so a person can find
 * a character they cannot see.
 */
function describeRefusedCharacter(value: unknown, pattern: unknown): string {
  if (typeof value === "string" && typeof pattern === "string") {
    const allowed = new RegExp(pattern, "u");
    for (const char of value) {
      if (allowed.test(char)) continue;
      const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      if (INVISIBLE.test(char)) return `must not contain invisible or direction-changing characters (${code})`;
      if (LONE_SURROGATE.test(char)) return `must not contain invalid Unicode (an unpaired surrogate, ${code})`;
      return `must not contain control characters (${code})`;
    }
  }
  return "contains characters that are not allowed";
}

function article(type: string): string {
  const word = type === "integer" ? "an integer" : type === "object" ? "an object" : type === "array" ? "an array" : `a ${type}`;
  return word;
}
