import { expect } from "vitest";
import { loadWire, SchemaBook } from "../contract/wire.js";

/**
 * The exact wire of Arize's 2026-06 client (the contract suite's vendored
 * sdk-8.31.0.json): a response body that fails it is one the official client
 * rejects.
 */
const book = new SchemaBook(loadWire("sdk-8.31.0.json"));

/** Asserts that `body` is exactly an instance of the wire model `model` (for example "Project"). */
export function expectWire(body: unknown, model: string): void {
  const errors = book.errors(model, body);
  expect(errors, `${model}: ${JSON.stringify(body)}`).toEqual([]);
}
