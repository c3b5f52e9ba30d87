import { createInterface } from "node:readline";
import { Declined, UsageError } from "./failure.js";

const MAX_STDIN_BYTES = 64 * 1024;
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b\[[0-9;]*[A-Za-z~]/g;

/** True when answers can be asked for: standard input is a terminal. */
export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/**
 * Reads a secret from the terminal with echo off (raw mode, nothing written
 * back). Backspace edits; Enter finishes; Ctrl-C aborts with nothing read.
 */
function readHiddenLine(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      stdin.removeListener("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value.trim());
    };
    const onData = (chunk: string) => {
      for (const c of chunk.replace(ESCAPE_SEQUENCE, "")) {
        if (c === "\r" || c === "\n") return finish();
        if (c === "\u0003") return finish(new Declined("interrupted; nothing was saved"));
        if (c === "\u0004" && value === "") return finish();
        if (c === "\u007f" || c === "\b") value = [...value].slice(0, -1).join("");
        else if (c >= " ") value += c;
      }
    };
    // Echo goes off before the prompt appears, so nothing typed after it is ever shown.
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
    process.stderr.write(question);
  });
}

/** Reads all of standard input (a pipe or a file) and returns its one non-empty line. */
async function readPipedLine(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError(`standard input is too large to hold ${what}`);
    chunks.push(buffer);
  }
  const lines = Buffer.concat(chunks)
    .toString("utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) throw new UsageError(`no ${what} on standard input`);
  if (lines.length > 1) throw new UsageError(`expected one line with ${what} on standard input, got ${lines.length}`);
  return lines[0] ?? "";
}

/** A secret from a no-echo prompt on a terminal, or from standard input when it is a pipe or file. */
export async function readSecret(question: string, what: string): Promise<string> {
  const secret = stdinIsTerminal() ? await readHiddenLine(question) : await readPipedLine(what);
  if (secret === "") throw new UsageError(`no ${what} given`);
  return secret;
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is a yes. */
export async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => {
      prompt.once("close", () => resolve(""));
      // Ctrl-C (or Ctrl-D) at the question is a "no".
      prompt.once("SIGINT", () => {
        process.stderr.write("\n");
        prompt.close();
      });
      prompt.question(`${question} [y/N] `, resolve);
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
