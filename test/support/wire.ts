import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { expect } from "vitest";

/**
 * The exact wire of Arize's 2026-06 client (../shared/arize-wire beside the
 * repository, SPEC §11): a response body that fails these schemas is one the
 * official client rejects.
 */
const WIRE_FILE = new URL("../../../shared/arize-wire/sdk-8.31.0.json", import.meta.url);
const wire = JSON.parse(readFileSync(WIRE_FILE, "utf8")) as { schemas: Record<string, object> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
const compiled = new Map<string, ValidateFunction>();

/** Asserts that `body` is exactly an instance of the wire model `model` (for example "Project"). */
export function expectWire(body: unknown, model: string): void {
  let validate = compiled.get(model);
  if (validate === undefined) {
    const schema = wire.schemas[model];
    if (schema === undefined) throw new Error(`no model ${model} in ${WIRE_FILE.pathname}`);
    validate = ajv.compile(schema);
    compiled.set(model, validate);
  }
  expect(validate(body), `${model}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
}
