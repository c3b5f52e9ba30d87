import nodemailer from "nodemailer";
import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps, MailMessage, Mailer } from "../../auth/deps.js";
import { rfc3339 } from "../../http/time.js";
import type { UserRow } from "../../store/queries/identity.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import type { IssuedLink } from "./links.js";

/** A Mailer over SMTP (KEYHOUSE_SMTP_URL) with nodemailer; a refusal rejects `send`. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message: MailMessage): Promise<void> {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** The mail that carries a link to its person. */
function claimMessage(user: Pick<UserRow, "name" | "email">, link: IssuedLink): MailMessage {
  const until = rfc3339(link.expiresAt);
  const invitation = link.kind === "invitation";
  const lead = invitation
    ? "You have been invited to keyhouse. Open this link to create your first API key:"
    : "An account admin of keyhouse sent you a recovery link. Open it to create a new API key (your existing keys keep working):";
  return {
    to: user.email ?? "",
    subject: invitation ? "Your keyhouse invitation" : "Your keyhouse recovery link",
    text: `Hello ${user.name},\n\n${lead}\n\n${link.url}\n\nThe link works once, until ${until}. If you did not expect this message, ignore it.\n`,
  };
}

/** Where a link went: mailed, not mailed (no SMTP server configured), or refused by the SMTP server. */
export type Delivery = "mailed" | "not_configured" | "refused";

/** The part of a logger delivery needs. */
interface WarnLog {
  warn(object: object, message: string): void;
}

/**
 * Mails a link after its transaction committed (docs/invitations.md). A refusal
 * loses nothing: the user and the link exist, an admin can fetch a fresh link;
 * it is logged (without the link) and recorded in the audit trail.
 */
export async function deliverClaimLink(
  deps: FeatureDeps,
  actor: Actor,
  user: Pick<UserRow, "id" | "name" | "email">,
  link: IssuedLink,
  log: WarnLog,
): Promise<Delivery> {
  if (deps.mailer === undefined) return "not_configured";
  try {
    await deps.mailer.send(claimMessage(user, link));
    return "mailed";
  } catch (error) {
    log.warn({ err: error }, `the SMTP server refused the ${link.kind} mail; the link stays valid and an admin can fetch a fresh one`);
    const now = deps.now();
    await deps.store.transaction((tx) =>
      recordAudit(tx, {
        actor,
        at: now,
        action: "user.claim_link_mail_failed",
        targets: [auditTarget("User", user.id)],
        details: { kind: link.kind },
      }),
    );
    return "refused";
  }
}
