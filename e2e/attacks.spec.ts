import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { call, SignInClient } from "./net";

// Attacks on sign-in and links over HTTP, against the suite's server with its default limits
// (10 failures per account and address, 50 per address, 100 per account; 30 wrong links per
// address in 10 minutes). Each attacker comes from its own loopback address (the server trusts
// no proxy, so that is the client address it sees), which also keeps the suite's own address
// (127.0.0.1) clear of these limits.

const PORT = process.env.E2E_PORT ?? "3100";
const BASE = `http://127.0.0.1:${PORT}`;

/** A loopback address of this run's own: address limits live in the database and outlive a run. */
const loopback = () => `127.${[...randomBytes(3)].map((b) => Math.max(b, 2)).join(".")}`;
const ADDR = { burst: loopback(), flood: loopback(), owner: loopback(), probes: loopback(), hasher: loopback() };

type AuditEvent = { action: string; outcome: string; ip: string | null; detail: { code?: string } | null };

/** The audit log as staff read it (the newest 500 events), from the given address. */
async function auditAs(from: string): Promise<AuditEvent[]> {
  const staff = await new SignInClient(PORT, from).attempt(STAFF.email, STAFF.password);
  expect(staff.result).toBe("ok");
  const r = await call(`${BASE}/api/v1/staff/audit?limit=500`, { from, headers: { cookie: staff.cookie! } });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { events: AuditEvent[] }).events;
}
const fromAddress = (events: AuditEvent[], ip: string) => events.filter((e) => e.ip?.endsWith(ip));

test("a parallel burst of 50 wrong passwords: all 50 counted, 10 checked, the rest refused, and then the right password too", async () => {
  const { email, password } = createAccountWithCli(uniqueEmail("burst"), "participant");
  const attacker = new SignInClient(PORT, ADDR.burst);
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => attacker.attempt(email, `wrong guess ${i}`)));
  const codes = results.map((r) => r.result);
  expect(codes.filter((c) => c === "invalid_credentials")).toHaveLength(10);
  const limited = codes.filter((c) => /^rate_limited_\d+$/.test(c));
  expect(limited).toHaveLength(40);
  for (const c of limited) expect(Number(c.split("_")[2])).toBeGreaterThan(800); // "try again in ~15 minutes"

  // On PostgreSQL the test can read the counter itself: every one of the 50 was counted.
  if (process.env.DATABASE_URL) {
    const sql = postgres(process.env.DATABASE_URL, { max: 1 });
    try {
      const rows = await sql<
        { count: number }[]
      >`select count from rate_limits where key like ${`signin:pair:${email}|%${ADDR.burst}`}`;
      expect(rows.map((r) => Number(r.count))).toEqual([50]);
    } finally {
      await sql.end();
    }
  }

  // The limit holds for the right password from that address too.
  expect((await attacker.attempt(email, password)).result).toMatch(/^rate_limited_\d+$/);

  // Every failure is in the audit log, through the capped refusal audit: the 10 wrong
  // passwords one by one, and the refusals up to the cap of 20 per address and reason.
  const events = fromAddress(await auditAs("127.0.0.12"), ADDR.burst).filter((e) => e.action === "signin");
  expect(events.filter((e) => e.detail?.code === "wrong_password")).toHaveLength(10);
  expect(events.filter((e) => e.detail?.code === "rate_limited")).toHaveLength(20);
  expect(events.every((e) => e.outcome === "failure")).toBe(true);
});

test("a flood of wrong passwords for an account from one address does not stop the right password from another", async () => {
  const { email, password } = createAccountWithCli(uniqueEmail("flood"), "participant");
  const attacker = new SignInClient(PORT, ADDR.flood);
  const codes: string[] = [];
  for (let round = 0; round < 8; round++) {
    const batch = await Promise.all(
      Array.from({ length: 25 }, (_, i) => attacker.attempt(email, `flood ${round}.${i}`)),
    );
    codes.push(...batch.map((r) => r.result));
  }
  expect(codes).toHaveLength(200);
  expect(codes.filter((c) => c === "invalid_credentials")).toHaveLength(10);
  expect(codes.filter((c) => c.startsWith("rate_limited_"))).toHaveLength(190);

  const owner = new SignInClient(PORT, ADDR.owner);
  const signedIn = await owner.attempt(email, password);
  expect(signedIn.result).toBe("ok");
  const sessions = await call(`${BASE}/api/v1/me/sessions`, {
    from: ADDR.owner,
    headers: { cookie: signedIn.cookie! },
  });
  expect(sessions.status).toBe(200); // a working session
  // And the flood's address stays refused, whatever password it tries.
  expect((await attacker.attempt(email, password)).result).toMatch(/^rate_limited_\d+$/);
});

test("1000 invitation probes with random tokens: refused without a password hash, limited, and at most the capped audit rows", async () => {
  test.setTimeout(120_000);
  const from = ADDR.probes;
  const headers = { "content-type": "application/json", origin: `http://localhost:${PORT}` };
  // What one argon2 check costs here: wrong passwords for an account, from a fresh address.
  const hasher = new SignInClient(PORT, ADDR.hasher);
  const { email } = createAccountWithCli(uniqueEmail("hashcost"), "participant");
  const hashed: number[] = [];
  for (let i = 0; i < 5; i++) hashed.push((await hasher.attempt(email, `not it ${i}`)).ms);

  const probe = (path: string) =>
    call(`${BASE}/api/v1/invitations/${path}`, {
      method: "POST",
      from,
      headers,
      body: JSON.stringify({ token: randomBytes(32).toString("base64url"), password: "a long password 1" }),
    });
  const statuses = new Map<number, number>();
  const count = (r: Awaited<ReturnType<typeof call>>) => {
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const problem = JSON.parse(r.body) as { code: string };
    expect(r.headers["content-type"]).toContain("application/problem+json");
    if (r.status === 404) expect(problem.code).toBe("not_found");
    if (r.status === 429) expect(problem.code).toBe("rate_limited");
  };
  // The first 10, one at a time and timed: they reach the token check (the limit is not hit yet).
  const refusedMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await probe("accept");
    expect(r.status).toBe(404);
    refusedMs.push(r.ms);
    count(r);
  }
  // The other 990 in parallel batches, lookups and accepts.
  for (let round = 0; round < 33; round++) {
    const batch = await Promise.all(Array.from({ length: 30 }, (_, i) => probe(i % 2 ? "accept" : "lookup")));
    batch.forEach(count);
  }
  expect(statuses.get(404)).toBe(30); // CLAIMLINK_LINK_FAILURES_PER_IP
  expect(statuses.get(429)).toBe(970);
  expect([...statuses.keys()].sort()).toEqual([404, 429]);
  // A refused token costs no hash: well under what one argon2 check costs. The fastest of each
  // series is compared, as the least disturbed by other work on a shared machine (a median moves
  // with the machine's load; the fastest refusal could not have computed a hash).
  expect(Math.min(...refusedMs)).toBeLessThan(Math.min(...hashed) / 2);

  const events = fromAddress(await auditAs("127.0.0.13"), from);
  expect(events.length).toBeLessThanOrEqual(80); // 20 per action and reason: lookup and accept, not_found and rate_limited
  expect(events.every((e) => e.outcome === "failure")).toBe(true);
});
