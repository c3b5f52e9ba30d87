import { requireId, type IdType } from "../../../http/ids.js";
import type { PageQuery } from "./schemas.js";

export const SECURITY = [{ bearerAuth: [] }];

/** The limit and cursor of a list request, with the default page size. */
export function pageOf(query: PageQuery): { limit: number; cursor: string | undefined } {
  return { limit: query.limit ?? 50, cursor: query.cursor };
}

/** Decodes a path parameter id, or 400 naming the parameter. */
export function pathId(type: IdType, value: string, name: string): number {
  return requireId(type, value, `path parameter ${name}`);
}

export const NO_CONTENT = { 204: { type: "null", description: "Done" } };
