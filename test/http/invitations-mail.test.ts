import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { historyOf, inspect, redeem, tokenIn } from "../support/claims.js";
import { expectStatus, newUser, person, unique } from "../support/identity.js";
import { expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

/** Claim links mailed through a real SMTP server started in this process (KEYHOUSE_SMTP_URL). */
describe("claim links by mail", () => {
  let smtp: TestSmtpServer;
  let t: TestServer;
  const tokens: string[] = [];
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestServer({
      env: {
        KEYHOUSE_SMTP_URL: smtp.url,
        KEYHOUSE_MAIL_FROM: "keyhouse <keys@example.test>",
        KEYHOUSE_PUBLIC_URL: "https://keys.example.test",
      },
    });
  });
  afterAll(async () => {
    const logs = t.logs();
    for (const token of tokens) expect(logs).not.toContain(token.slice(3));
    await t.close();
    await smtp.close();
  });

  /** The last message sent to `to`, and the token of the link in it. */
  const mailTo = (to: string) => {
    const mail = [...smtp.messages].reverse().find((m) => m.to !== undefined && JSON.stringify(m.to).includes(to));
    expect(mail, `no mail to ${to}`).toBeDefined();
    const text = mail?.text ?? "";
    const token = tokenIn(text);
    tokens.push(token);
    return { mail, text, token };
  };

  it("mails the invitation of a user created with email_link, from KEYHOUSE_MAIL_FROM, with a link that works", async () => {
    const email = `${unique("mail")}@example.test`;
    const user = await newUser(t, { invite_mode: "email_link", email });
    const { mail, text, token } = mailTo(email);
    expect(mail?.from?.value).toEqual([{ name: "keyhouse", address: "keys@example.test" }]);
    expect(mail?.subject).toBe("Your keyhouse invitation");
    expect(text).toContain(`https://keys.example.test/#/claim/${token}`);
    expect(text).toContain("Test User");
    expect(expectStatus(await inspect(t, token), 200).user.id).toBe(user.id);
  });

  it("mails a new link on resend-invitation (the old one dies) and a recovery link on reset-password", async () => {
    const email = `${unique("mail")}@example.test`;
    const user = await newUser(t, { invite_mode: "email_link", email });
    const first = mailTo(email).token;
    expectStatus(await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" }), 204);
    const second = mailTo(email).token;
    expect(second).not.toBe(first);
    expectProblem(await inspect(t, first), 404);
    expectStatus(await redeem(t, second), 201);

    expectStatus(await t.call(`/v2/users/${user.id}/reset-password`, { method: "POST" }), 204);
    const recovery = mailTo(email);
    expect(recovery.mail?.subject).toBe("Your keyhouse recovery link");
    expect(expectStatus(await inspect(t, recovery.token), 200).kind).toBe("recovery");
  });

  it("when the SMTP server refuses: the user is still created (201), the refusal is logged and audited, resend answers 503", async () => {
    smtp.refuse(true);
    try {
      const email = `${unique("refused")}@example.test`;
      const before = smtp.messages.length;
      const user = await newUser(t, { invite_mode: "email_link", email });
      expect(user.status).toBe("invited");
      expect(smtp.messages.length).toBe(before);
      expect((await historyOf(t, user.id)).map((e) => e.action)).toEqual([
        "user.claim_link_mail_failed",
        "user.invitation_issued",
        "user.created",
      ]);
      expect(t.logs()).toContain("the SMTP server refused the invitation mail");

      const resent = await t.call(`/v2/users/${user.id}/resend-invitation`, { method: "POST" });
      expectProblem(resent, 503, "UNAVAILABLE");
      expect(resent.body.detail).toContain("claim-link");
      const member = await person(t);
      expectProblem(await t.call(`/v2/users/${member.id}/reset-password`, { method: "POST" }), 503);
    } finally {
      smtp.refuse(false);
    }
  });
});
