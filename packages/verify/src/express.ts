import type { IncomingMessage, ServerResponse } from "node:http";
import { guard, type GuardOptions } from "./guard.js";
import type { Verification } from "./types.js";

// Express (or Connect): `app.use(keyhouse({ verifier }))`, or per route
// `app.get("/projects/:id", keyhouse({ verifier, permissions: [...], resource }), handler)`;
// `req.keyhouse` is the verified answer.

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** keyhouse's answer about the request's key (set by @keyhouse/verify/express). */
      keyhouse?: Verification;
    }
  }
}

/** The parts of Express's request this middleware reads (any Express 4 or 5 request has them). */
export interface ExpressLikeRequest extends IncomingMessage {
  params?: Record<string, string>;
  keyhouse?: Verification;
}

export type KeyhouseExpressOptions = GuardOptions<ExpressLikeRequest>;

export function keyhouse(options: KeyhouseExpressOptions) {
  if (options?.verifier === undefined) throw new TypeError("@keyhouse/verify/express needs { verifier } (from createVerifier)");
  return (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    guard(options, req, req.headers.authorization).then((outcome) => {
      if (outcome.ok) {
        req.keyhouse = outcome.verification;
        next();
        return;
      }
      const body = JSON.stringify(outcome.problem);
      res.writeHead(outcome.status, {
        ...outcome.headers,
        "content-type": "application/problem+json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    }, next);
  };
}
