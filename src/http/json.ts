import { errorCodes, type FastifyInstance } from "fastify";
import { ProblemError } from "./problem.js";
import { maskKeys } from "./redact.js";

/**
 * The one JSON body parser: JSON.parse, then one linear pass over the text that
 * refuses what JSON.parse silently accepts.
 *
 * - A member name twice in one object, at any depth (`{"a":1,"a":2}`, also
 *   spelled `"\u0061"`): JSON.parse keeps the last, while a proxy or WAF in front
 *   may read the first; two readers of one request must never disagree.
 * - Prototype poisoning, as Fastify's default parser refused it (secure-json-parse
 *   with protoAction and constructorAction 'error'): a member `__proto__`, or a
 *   member `prototype` in an object that is the value of a member `constructor`.
 *
 * Empty and invalid bodies get Fastify's own errors, so their answers stay as they
 * were. The body is already bounded by the body limit; the pass keeps one frame
 * per open object or array and visits each character once.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.addContentTypeParser("application/json", { parseAs: "string" }, async (_request: unknown, body: string | Buffer) =>
    parseStrictJson(typeof body === "string" ? body : body.toString("utf8")),
  );
}

/** Parses a request body; throws a Fastify error or a 400 MALFORMED_BODY problem. */
function parseStrictJson(raw: string): unknown {
  // secure-json-parse skipped a leading byte order mark; so does this parser.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  if (value !== null && typeof value === "object") checkMembers(text);
  return value;
}

interface Frame {
  /** Member names seen so far; undefined for an array. */
  names: Set<string> | undefined;
  /** Where this container sits, for messages: `roles`, `items[2].roles`; "" at the top. */
  path: string;
  /** In an object: whether the next string is a member name; then the name just read. */
  expectName: boolean;
  member: string;
  /** In an array: the current element's index. */
  index: number;
  /** An object that is the value of a member "constructor". */
  underConstructor: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Walks text that JSON.parse accepted and throws at the first duplicate or poisoning member. */
function checkMembers(text: string): void {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      if (top?.names !== undefined && top.expectName) {
        const raw = text.slice(start, i + 1);
        const name = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const where = joinPath(top.path, name);
        if (top.names.has(name)) refuse(`body has the member ${quote(where)} twice; send each member once`);
        if (name === "__proto__") refuse(`body has the member ${quote(where)}, which is not allowed`);
        if (name === "prototype" && top.underConstructor) refuse(`body has the member ${quote(where)}, which is not allowed`);
        top.names.add(name);
        top.member = name;
        top.expectName = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const frame: Frame = {
        names: c === 0x7b ? new Set() : undefined,
        path: top === undefined ? "" : top.names === undefined ? `${top.path}[${top.index}]` : joinPath(top.path, top.member),
        expectName: true,
        member: "",
        index: 0,
        underConstructor: top?.names !== undefined && top.member === "constructor",
      };
      if (top !== undefined) stack.push(top);
      top = frame;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      top = stack.pop();
    } else if (c === 0x2c /* , */ && top !== undefined) {
      if (top.names === undefined) top.index += 1;
      else top.expectName = true;
    }
  }
}

function joinPath(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** A member path fit to quote back: keys masked, cut short, anything but printable ASCII escaped. */
function quote(path: string): string {
  const masked = maskKeys(path);
  const shown = masked.length > 80 ? `${masked.slice(0, 80)}...` : masked;
  return `"${shown.replace(/[^\x20-\x7e]|["\\]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

function refuse(detail: string): never {
  throw new ProblemError("MALFORMED_BODY", { detail });
}
