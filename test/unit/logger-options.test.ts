import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "../../src/app.js";
import { generateClaimToken, generateRawKey } from "../../src/auth/key-format.js";

describe("loggerOptions", () => {
  it("masks a key or a claim token quoted in a logged error's message and stack, and in a request URL", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const key = generateRawKey();
    const token = generateClaimToken();
    const logger = pino(loggerOptions("info"), sink);
    logger.error({ err: new Error(`no such thing as ${key} or ${token}`) }, "unhandled error");
    logger.info({ req: { method: "GET", url: `/v2/claims/redeem?token=${token}` } }, "request");
    const text = lines.join("");
    expect(text).toContain("ak-[redacted]");
    expect(text).toContain("kc-[redacted]");
    expect(text).not.toContain(key.slice(3, 45));
    expect(text).not.toContain(token.slice(3, 45));
  });
});
