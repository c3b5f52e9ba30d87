import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server in this process, keeping every message it accepts (parsed). */
export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port>, for KEYHOUSE_SMTP_URL. */
  url: string;
  messages: ParsedMail[];
  /** Refuse every recipient from now on (550), or accept again. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

/**
 * Starts the SMTP server on a free port. No STARTTLS and no AUTH: the test
 * talks plain SMTP over loopback, as a relay inside a private network would.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!refusing) return callback();
      return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refuse: (value) => {
      refusing = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
