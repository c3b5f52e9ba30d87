// A Server-Sent Events reader over fetch's body (the WHATWG event-stream
// format: lines ending in CR, LF or CRLF; `field: value`; a blank line
// dispatches; lines starting with ":" are comments). Written here because the
// package has no runtime dependencies.

export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseHandlers {
  onEvent(event: StreamEvent): void;
  /** Any line at all arrived (an event's line or a heartbeat comment). */
  onActivity(): void;
  onRetry(ms: number): void;
  /** The stream's position moved (an `id:` line, with or without an event). */
  onPosition(id: string): void;
}

/** Reads `body` to its end, calling the handlers as lines arrive. */
export async function readEventStream(body: ReadableStream<Uint8Array>, handlers: SseHandlers): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let id: string | undefined;
  let lastId: string | undefined;
  const line = (text: string) => {
    handlers.onActivity();
    if (text === "") {
      // An id sets the last event id even in a block without data (keyhouse opens with one).
      if (id !== undefined) {
        lastId = id;
        handlers.onPosition(id);
      }
      if (data.length > 0) handlers.onEvent({ id: lastId, event: event || "message", data: data.join("\n") });
      data = [];
      event = "";
      id = undefined;
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) id = value;
    else if (field === "retry" && /^\d+$/.test(value)) handlers.onRetry(Number(value));
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (c === 13 && i === buffer.length - 1) break;
      line(buffer.slice(start, i));
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
  }
}
