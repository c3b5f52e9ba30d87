import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * The exact wire of Arize's REST v2 as its official client reads it, vendored in
 * test/contract/arize-wire/ (its README says where it comes from and the format).
 */

export type WireFile = "sdk-8.31.0.json" | "sdk-8.42.0.json";

export interface WireOperation {
  /** The client's name for it, e.g. `api_keys_create`. */
  operation: string;
  method: string;
  path: string;
  query: string[];
  /** The request model, or null when the operation sends no body. */
  body: string | null;
  /** Status code → response model; null is an empty body. */
  responses: Record<string, string | null>;
}

export interface Wire {
  file: WireFile;
  operations: WireOperation[];
  schemas: Record<string, object>;
}

/** `METHOD /path/{param}`: how the suite names an operation. */
export function opKey(op: Pick<WireOperation, "method" | "path">): string {
  return `${op.method} ${op.path}`;
}

/** Reads one vendored wire file. */
export function loadWire(file: WireFile): Wire {
  const text = readFileSync(new URL(`./arize-wire/${file}`, import.meta.url), "utf8");
  const parsed = JSON.parse(text) as { operations: WireOperation[]; schemas: Record<string, object> };
  return { file, operations: parsed.operations, schemas: parsed.schemas };
}

/** The status the operation answers when it works: 201 where the file lists it, else the one other 2xx. */
export function successStatus(op: WireOperation): number {
  const statuses = Object.keys(op.responses)
    .map(Number)
    .filter((s) => s >= 200 && s < 300);
  if (statuses.includes(201)) return 201;
  const [only] = statuses;
  if (only === undefined || statuses.length !== 1) throw new Error(`${opKey(op)}: no single success status in ${statuses.join(", ")}`);
  return only;
}

const addFormats = addFormatsModule.default;

/** Validates bodies against the file's schemas with Ajv 2020; each schema is compiled once, on first use. */
export class SchemaBook {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly wire: Wire) {
    addFormats(this.ajv);
    // Arize marks the temporary password `format: password`: a UI hint, not a constraint.
    this.ajv.addFormat("password", true);
  }

  /** The schema errors of `value` against model `name`, worded one per line; empty when it validates. */
  errors(name: string, value: unknown): string[] {
    const validate = this.validator(name);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(describeError);
  }

  private validator(name: string): ValidateFunction {
    const known = this.compiled.get(name);
    if (known) return known;
    const schema = this.wire.schemas[name];
    if (!schema) throw new Error(`${this.wire.file} has no schema ${name}`);
    const validate = this.ajv.compile(schema);
    this.compiled.set(name, validate);
    return validate;
  }
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(the body)" : error.instancePath;
  const params = error.keyword === "additionalProperties" ? ` "${String(error.params.additionalProperty)}"` : "";
  const allowed = error.keyword === "enum" ? ` ${JSON.stringify(error.params.allowedValues)}` : "";
  return `${where} ${error.message ?? error.keyword}${params}${allowed}`;
}
