import { request, type IncomingMessage } from "node:http";
import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * A real Server-Sent Events subscriber for tests: one HTTP GET on a real socket,
 * its body parsed by eventsource-parser as it arrives.
 */
export interface EventStreamClient {
  status: number;
  headers: IncomingMessage["headers"];
  events: EventSourceMessage[];
  comments: string[];
  retry: number | undefined;
  /** The first event (from the start of the stream) that matches, waiting up to `timeoutMs` for it. */
  next(match: (event: EventSourceMessage) => boolean, timeoutMs?: number): Promise<EventSourceMessage>;
  /** Waits until `count` comment lines have arrived. */
  commentsReach(count: number, timeoutMs: number): Promise<void>;
  /** The body of a response that was not a stream (a problem). */
  text: string;
  close(): void;
  /** Calls `done` when the server ends the stream. */
  onEnd(done: () => void): void;
}

export function openEventStream(baseUrl: string, key: string | null, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const url = new URL("/v2/api-keys/events", baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { accept: "text/event-stream", ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const waiters = new Set<() => void>();
      const wake = () => waiters.forEach((w) => w());
      const client: EventStreamClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        retry: undefined,
        text: "",
        next: (match, timeoutMs = 5_000) =>
          new Promise((done, fail) => {
            const check = () => {
              const found = client.events.find(match);
              if (found === undefined) return false;
              finish();
              done(found);
              return true;
            };
            const timer = setTimeout(() => {
              finish();
              fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(client.events)}`));
            }, timeoutMs);
            const finish = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            if (!check()) waiters.add(check);
          }),
        commentsReach: (count, timeoutMs) =>
          new Promise((done, fail) => {
            const check = () => {
              if (client.comments.length < count) return false;
              finish();
              done();
              return true;
            };
            const timer = setTimeout(() => {
              finish();
              fail(new Error(`${client.comments.length} comments after ${timeoutMs} ms, wanted ${count}`));
            }, timeoutMs);
            const finish = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            if (!check()) waiters.add(check);
          }),
        close: () => req.destroy(),
        onEnd: (done) => {
          if (res.complete || res.destroyed) done();
          else res.once("close", done);
        },
      };
      const parser = createParser({
        onEvent: (event) => {
          client.events.push(event);
          wake();
        },
        onComment: (comment) => {
          client.comments.push(comment);
          wake();
        },
        onRetry: (retry) => {
          client.retry = retry;
        },
      });
      res.setEncoding("utf8");
      if (!String(res.headers["content-type"]).startsWith("text/event-stream")) {
        res.on("data", (chunk: string) => (client.text += chunk));
        res.on("end", () => resolve(client));
        return;
      }
      res.on("data", (chunk: string) => parser.feed(chunk));
      res.on("error", () => undefined);
      resolve(client);
    });
    req.end();
  });
}
