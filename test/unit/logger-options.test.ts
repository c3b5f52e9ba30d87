import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "../../src/app.js";
import { generateRawKey } from "../../src/auth/key-format.js";

describe("loggerOptions", () => {
  it("masks a key quoted in a logged error's message and stack", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const key = generateRawKey();
    pino(loggerOptions("info"), sink).error({ err: new Error(`no such thing as ${key}`) }, "unhandled error");
    const text = lines.join("");
    expect(text).toContain("ak-[redacted]");
    expect(text).not.toContain(key.slice(3, 45));
  });
});
