import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { SMTPServer } from "smtp-server";
import { recordRefusal } from "../audit/record";
import * as password from "../auth/password";
import { rowsOf, type Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { AppError } from "../errors/app-error";
import { acceptInvitation } from "./invitations";
import { acceptPasswordReset, createPasswordReset } from "./passwords";
import { newUser } from "./schemas";
import { createUser, findUserByEmail } from "./users";
import { verifyPassword } from "../auth/password";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const freshIp = () => `192.0.2.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`;

describe("invitation and reset links under probing", () => {
  it("1000 invitation probes with random tokens cost no password hash and at most the capped audit rows", async () => {
    const ip = freshIp();
    const hash = vi.spyOn(password, "hashPassword");
    const codes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      try {
        await acceptInvitation(
          database.db,
          { token: randomBytes(32).toString("base64url"), password: "long enough pw" },
          ip,
        );
      } catch (err) {
        const code = (err as AppError).code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        // What the route does with each refusal (apiRoute's `refusals`).
        await recordRefusal(
          database.db,
          { id: null, label: "anonymous", ip },
          { action: "invitation.accept_refused", code },
        );
      }
    }
    expect(hash).not.toHaveBeenCalled();
    hash.mockRestore();
    expect(codes.get("not_found")).toBe(30);
    expect(codes.get("rate_limited")).toBe(970);
    const [row] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from audit_events where ip = ${ip}`),
    );
    expect(Number(row.n)).toBe(40); // 20 per reason: the refusal cap
  });

  it("a reset link works once, within the hour, and ends every session", async () => {
    const email = uniqueEmail();
    await createUser(
      database.db,
      { id: null, label: "cli", ip: null },
      newUser({ email, name: "R", password: "old password 1" }),
    );
    const user = (await findUserByEmail(database.db, email))!;
    const { link, expiresAt } = await createPasswordReset(
      database.db,
      { id: null, label: "cli", ip: null },
      user,
      "http://x",
    );
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(3590_000);
    const token = link.split("#")[1];
    const ip = freshIp();
    expect(await acceptPasswordReset(database.db, { token, password: "new password 1" }, ip)).toEqual({ email });
    expect(await verifyPassword((await findUserByEmail(database.db, email))!.passwordHash, "new password 1")).toBe(
      true,
    );
    const again = await acceptPasswordReset(database.db, { token, password: "another password" }, ip).catch((e) => e);
    expect(again).toBeInstanceOf(AppError);
    expect(again.code).toBe("not_found");
  });
});

describe("mail", () => {
  it("sends a mail with a text and an HTML part to a real SMTP server", async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, done) {
        let data = "";
        stream.on("data", (c: Buffer) => (data += c.toString("utf8")));
        stream.on("end", () => {
          // Quoted-printable soft breaks and escapes, undone so the test reads what a person reads.
          received.push(
            data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
          );
          done();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.server.address() as { port: number }).port;
    process.env.CLAIMLINK_SMTP_URL = `smtp://127.0.0.1:${port}`;
    vi.resetModules();
    const { sendMail } = await import("../mail/send");
    const { passwordResetMail } = await import("../mail/messages");
    const envModule = await import("../env");
    expect(envModule.env().CLAIMLINK_SMTP_URL).toContain(String(port));
    await sendMail(
      passwordResetMail(
        { email: "who@example.org", name: "Who <b>", locale: null },
        "http://localhost/reset-password#abc",
      ),
    );
    delete process.env.CLAIMLINK_SMTP_URL;
    await new Promise<void>((r) => server.close(() => r()));
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("text/plain");
    expect(received[0]).toContain("text/html");
    expect(received[0]).toContain("Who &lt;b&gt;");
    expect(received[0]).toContain("reset-password#abc");
  });
});
