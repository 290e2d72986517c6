import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";

// "Forgot password?" on the app's own database (e2e/.tmp/unit-data or DATABASE_URL), with mail
// going to an SMTP server in this process. The answer must not tell whether the email has an
// account, neither by its words nor by its timing: nothing that depends on the email may run
// before the answer.

const received: { to: string[]; data: string }[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, done) {
    let data = "";
    stream.on("data", (c: Buffer) => (data += c.toString("utf8")));
    stream.on("end", () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
      done();
    });
  },
});

let database: Database;
let api: typeof import("./link-api");
let schema: typeof import("../db/schema");

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  process.env.CLAIMLINK_SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  const client = await import("../db/client");
  database = await client.appDatabase();
  api = await import("./link-api");
  schema = await import("../db/schema");
});
afterAll(async () => {
  delete process.env.CLAIMLINK_SMTP_URL;
  await database.close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
  await new Promise<void>((r) => server.close(() => r()));
});

describe('"Forgot password?"', () => {
  it("answers the same for a known and an unknown email before any work that depends on the email; only the account gets a link", async () => {
    const { createUser } = await import("./users");
    const { newUser } = await import("./schemas");
    const known = uniqueEmail("forgot");
    const unknown = uniqueEmail("nobody");
    const user = await createUser(
      database.db,
      { id: null, label: "test", ip: null },
      newUser({ email: known, name: "Fay Forgot", role: "participant", password: "the old password" }),
    );
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${Date.now()}`;
    const tasks: (() => Promise<void>)[] = [];
    const later = (task: () => Promise<void>) => void tasks.push(task);

    const answers = [
      await api.requestPasswordResetByMail({ email: known }, ip, later),
      await api.requestPasswordResetByMail({ email: unknown }, ip, later),
    ];
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual({ message: api.RESET_REQUEST_ANSWER });
    expect(tasks).toHaveLength(2); // both paths defer the same work
    // Nothing was looked up, counted or created before answering.
    const links = () =>
      database.db.select().from(schema.passwordResets).where(eq(schema.passwordResets.userId, user.id));
    expect(await links()).toHaveLength(0);
    const counters = async () => {
      const { rowsOf } = await import("../db/client");
      const [row] = rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from rate_limits where key in (${`reset-request:ip:${ip}`}, ${`reset-request:account:${known}`}, ${`reset-request:account:${unknown}`})`,
        ),
      );
      return Number(row.n);
    };
    expect(await counters()).toBe(0);

    for (const task of tasks) await task();
    expect(await counters()).toBe(3); // the limits count after the answer, for both emails
    expect(await links()).toHaveLength(1);
    expect(received.map((m) => m.to)).toEqual([[known]]);
    expect(received[0].data).toContain("/reset-password#");

    // A malformed request is refused before answering, the same for everyone.
    await expect(api.requestPasswordResetByMail({ email: "not an email" }, ip, later)).rejects.toMatchObject({
      code: "invalid_request",
    });
  });

  it("counts reset requests per IPv6 network (/64): past 10 from one /64, no link is sent, from another /64 it is", async () => {
    const { createUser } = await import("./users");
    const { newUser } = await import("./schemas");
    const email = uniqueEmail("forgot64");
    await createUser(
      database.db,
      { id: null, label: "test", ip: null },
      newUser({ email, name: "Sixty Four", role: "participant", password: "the old password" }),
    );
    const group = () => Math.floor(Math.random() * 0xffff).toString(16);
    const net = `2001:db8:${group()}:${group()}`;
    for (let i = 1; i <= 10; i++) await api.mailPasswordResetLink(uniqueEmail("nobody64"), `${net}::${i.toString(16)}`);
    expect(await api.mailPasswordResetLink(email, `${net}::beef`)).toBe(false);
    expect(await api.mailPasswordResetLink(email, `2001:db8:${group()}:${group()}::1`)).toBe(true);
  });
});
