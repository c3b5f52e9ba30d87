import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP proxy in front of keyhouse that can cut its event streams, as a
 * network partition would: `cut()` ends the open streams and refuses new ones
 * (503) while other requests still pass; `restore()` lets them through again;
 * `retarget()` points it at another keyhouse. It counts what it forwarded.
 */
export interface CutProxy {
  url: string;
  /** Requests forwarded, by "METHOD path". */
  count(methodAndPath: string): number;
  cut(): void;
  restore(): void;
  retarget(url: string): void;
  openStreams(): number;
  close(): Promise<void>;
}

const EVENTS = "/v2/api-keys/events";

export async function startCutProxy(target: string): Promise<CutProxy> {
  let upstream = new URL(target);
  let cut = false;
  const counts = new Map<string, number>();
  const streams = new Set<{ req: IncomingMessage; res: ServerResponse }>();
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const name = `${req.method} ${path}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (cut && path === EVENTS) {
      res.writeHead(503, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "the test cut the stream" }));
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        if (path === EVENTS) {
          const stream = { req, res };
          streams.add(stream);
          res.on("close", () => streams.delete(stream));
          answer.on("error", () => res.destroy());
        }
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on("close", () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (name) => counts.get(name) ?? 0,
    cut() {
      cut = true;
      for (const stream of streams) stream.res.destroy();
    },
    restore() {
      cut = false;
    },
    retarget(url) {
      upstream = new URL(url);
    },
    openStreams: () => streams.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
