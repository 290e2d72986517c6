import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import fc from "fast-check";
import { BASE, staffApi } from "./api";

// Property-based fuzzing of every route over HTTP, against the real server: the /api/v1
// router's own list of routes (its OpenAPI document, lib/api/openapi.ts) and the App Router's
// remaining route files (app/**/route.ts); random methods, headers (broken Authorization,
// Claimlink-HMAC and cookies), path parameters, query strings and bodies (wrong types, huge
// numbers, deep nesting, invalid UTF-8, 10 MB). Invariants: never a 5xx; every error answer of
// our API is problem+json, with a `code` the route's OpenAPI operation lists; and (on
// PostgreSQL, where the test can read the database) no row changes except the audit log and
// the rate-limit counters that refusals are allowed to write.

const SEED = 20261124;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

type ApiDocument = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  "x-claimlink-signed-prefixes": string[];
};

/** The problem `code`s each operation of the document lists, by "METHOD /pattern". */
function documentedCodes(doc: ApiDocument): Map<string, Set<string>> {
  const codes = new Map<string, Set<string>>();
  for (const [p, operations] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(operations)) {
      const set = new Set<string>();
      for (const answer of Object.values(op.responses)) {
        const schema = answer.content?.["application/problem+json"] as
          { schema: { allOf: { properties?: { code?: { enum: string[] } } }[] } } | undefined;
        for (const part of schema?.schema.allOf ?? []) for (const c of part.properties?.code?.enum ?? []) set.add(c);
      }
      codes.set(`${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, "[$1]")}`, set);
    }
  return codes;
}

/**
 * Every route's URL pattern: the router's (so a new route is fuzzed too), a path under each
 * signed prefix that no route has, and the App Router's own route files.
 */
async function routePatterns(doc: ApiDocument): Promise<string[]> {
  const root = path.resolve("app");
  const next = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => path.basename(f) === "route.ts" && !f.startsWith(path.join("api", "v1")))
    .map((f) => "/" + path.dirname(f).split(path.sep).join("/"))
    .map((p) => (p === "/api/well-known/claimlink" ? "/.well-known/claimlink" : p));
  const router = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, "[$1]"));
  const unrouted = doc["x-claimlink-signed-prefixes"].map((p) => `${p}/[...rest]`);
  return [...next, ...router, ...unrouted].sort();
}

const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019_-=.,\"' :;/+%&?#[]{}"), maxLength: 80 });
const segment = fc.oneof(
  fc.constantFrom("dev_", "clm_", "cmd_", "usr_", "ses_", "inv_", "crd_", "lgn_").map((p) => p + "A1B2C3D4E5F6G7H8"),
  // (No "." or "..": the client resolves them to another path, not this route's parameter.)
  fc.constantFrom("%00", "%ff%fe", "a".repeat(5000), "AAAAAAAAAAAAAAAAAAAAAAAAAA", "-1", "1e309", "null"),
  printable.map((s) => {
    const e = encodeURIComponent(s);
    return e === "" || e === "." || e === ".." ? "x" : e;
  }),
);
const pathOf = (pattern: string) =>
  fc.array(segment, { minLength: 4, maxLength: 4 }).map((segs) => {
    let i = 0;
    return pattern.replace(/\[(\.\.\.)?[A-Za-z]+\]/g, () => segs[i++ % segs.length]);
  });
const query = fc.oneof(
  fc.constant(""),
  fc
    .dictionary(
      fc.constantFrom("range", "q", "wait", "cursor", "limit", "from", "to", "x"),
      fc.oneof(printable, segment),
      {
        maxKeys: 3,
      },
    )
    .map((d) => "?" + new URLSearchParams(d).toString()),
  fc.constantFrom("?range=24h", "?wait=30", "?wait=-1", "?wait=1e309", "?limit=99999999999999999999", "?%ff=%fe"),
);
const authorization = fc.oneof(
  fc.constant(undefined),
  printable,
  fc.constantFrom("Bearer", "Bearer ", "Claimlink-HMAC", 'Claimlink-HMAC credential="crd_"'),
  fc
    .record({
      credential: fc.oneof(fc.constant("crd_A1B2C3D4E5F6G7H8"), printable),
      ts: fc.oneof(
        fc.constant(String(Math.floor(Date.now() / 1000))),
        fc.constantFrom("0", "-5", "1e12", "99999999999"),
      ),
      nonce: fc.oneof(fc.constant("AAAAAAAAAAAAAAAAAAAAAAAA"), printable),
      sig: fc.oneof(fc.constant("A".repeat(43)), printable),
    })
    .map((a) => `Claimlink-HMAC credential="${a.credential}", ts="${a.ts}", nonce="${a.nonce}", sig="${a.sig}"`),
  fc.string({ minLength: 22, maxLength: 60 }).map((t) => `Bearer ${encodeURIComponent(t)}`),
);
const cookie = fc.oneof(
  fc.constant(undefined),
  printable.map((v) => `authjs.session-token=${encodeURIComponent(v)}`),
  fc.constantFrom("authjs.session-token=", "authjs.csrf-token=%%%; authjs.session-token=a.b.c", "=;=;="),
);
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
// A marker, expanded when sent, so a failure report does not print 10 MB.
const TEN_MB = "<10 MB of x>";
const expand = (b: string | Buffer): string | ArrayBuffer =>
  b === TEN_MB ? "x".repeat(10 * 1024 * 1024) : typeof b === "string" ? b : Uint8Array.from(b).buffer;
const body = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        sid: fc.oneof(printable, fc.integer()),
        pop: fc.oneof(printable, fc.double()),
        measurements: fc.array(
          fc.record({ property: printable, time: fc.oneof(printable, fc.double()), value: fc.double() }),
          { maxLength: 3 },
        ),
        email: printable,
        accept: fc.oneof(fc.boolean(), printable),
      })
      .map((v) => JSON.stringify(v)),
  },
  {
    weight: 2,
    // The legacy route's body (docs/legacy-ingest.md), with hostile values.
    arbitrary: fc
      .record({
        esp8266id: fc.oneof(printable, fc.integer()),
        software_version: printable,
        sensordatavalues: fc.array(
          fc.record({ value_type: printable, value: fc.oneof(printable, fc.double(), fc.constant("1e999")) }),
          { maxLength: 70 },
        ),
      })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: fc.constantFrom(nested(10_000), '{"a":1e999999}', "[1e308,-1e308,1e-400]", "{", "\u0000") },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from([0xff, 0xfe, ...b])) },
  { weight: 1, arbitrary: fc.constant(TEN_MB) },
);
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const requestArbOf = (routes: string[]) =>
  fc
    .record({
      route: fc.constantFrom(...routes),
      method: fc.constantFrom(...METHODS),
      query,
      authorization,
      cookie,
      origin: fc.oneof(fc.constant(undefined), fc.constant(new URL(BASE).origin), fc.constant("https://evil.example")),
      contentType: fc.constantFrom(
        undefined,
        "application/json",
        "text/plain",
        "text/csv",
        "multipart/form-data; boundary=x",
      ),
      sensor: fc.oneof(fc.constant(undefined), printable, fc.constant("esp8266-1234567")),
      body,
    })
    .chain((r) => pathOf(r.route).map((p) => ({ ...r, path: p })));

type Counts = Record<string, number>;
/**
 * Rows per table on PostgreSQL, except the audit log and rate-limit counters (refusals write
 * those), nonces (housekeeping may prune them meanwhile; only a verified request adds one), and
 * webhook delivery attempts (the delivery worker retries earlier tests' deliveries meanwhile).
 */
async function rowCounts(): Promise<Counts | null> {
  if (!process.env.DATABASE_URL) return null;
  const { default: postgres } = await import("postgres");
  const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ t: string }[]>`
      select table_name as t from information_schema.tables
      where table_schema = 'public' and table_name not in ('audit_events', 'rate_limits', 'request_nonces', 'webhook_attempts')`;
    const counts: Counts = {};
    for (const { t } of tables) counts[t] = Number((await sql.unsafe(`select count(*)::int as n from "${t}"`))[0].n);
    return counts;
  } finally {
    await sql.end();
  }
}

test("fuzz: every route, random requests: never a 5xx, errors are problem+json with a documented code, refusals change nothing", async () => {
  test.setTimeout(600_000);
  const doc = (await (await fetch(`${BASE}/api/v1/openapi.json`)).json()) as ApiDocument;
  const ROUTES = await routePatterns(doc);
  const codes = documentedCodes(doc);
  const before = await rowCounts();
  let cases = 0;
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(requestArbOf(ROUTES), async (r) => {
      cases++;
      const headers: Record<string, string> = {};
      if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.cookie !== undefined) headers.cookie = r.cookie;
      if (r.origin !== undefined) headers.origin = r.origin;
      if (r.contentType !== undefined) headers["content-type"] = r.contentType;
      if (r.sensor !== undefined) headers["x-sensor"] = r.sensor;
      const withBody = r.body !== undefined && r.method !== "GET" && r.method !== "HEAD";
      const res = await fetch(`${BASE}${r.path}${r.query}`, {
        method: r.method,
        headers,
        body: withBody ? expand(r.body!) : undefined,
        redirect: "manual",
        signal: AbortSignal.timeout(60_000),
      });
      const text = r.method === "HEAD" ? "" : await res.text();
      const what = `${r.method} ${r.path}${r.query} -> ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, what).toBeLessThan(500);
      // next-auth's own endpoints answer in their own formats (redirects, its JSON).
      if (res.status >= 400 && r.method !== "HEAD" && !r.path.startsWith("/api/auth/")) {
        expect(res.headers.get("content-type"), what).toBe("application/problem+json");
        const problem = JSON.parse(text);
        expect(problem.status, what).toBe(res.status);
        expect(typeof problem.code, what).toBe("string");
        // The operation's own refusals are in its OpenAPI description (405 is another method's).
        const listed = codes.get(`${r.method === "HEAD" ? "GET" : r.method} ${r.route}`);
        if (listed && res.status !== 405)
          expect([...listed], `${what}: a code its OpenAPI operation lists`).toContain(problem.code);
      }
      if (res.status < 400 && r.method !== "GET" && r.method !== "HEAD" && r.method !== "OPTIONS") accepted++;
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  console.log(`fuzz: ${cases} cases over ${ROUTES.length} routes (seed ${SEED}); ${accepted} writes accepted`);
  const after = await rowCounts();
  // A write the fuzzer happened to make valid (an unsigned provisioning session start) may add
  // rows; with none accepted, nothing may have changed.
  if (before && after && accepted === 0) expect(after).toEqual(before);
});

// The staff console's inputs, signed in as staff (the test above mostly meets the sign-in
// guard): filters, sorts, cursors and dates in query strings, bulk, transfer and CSV bodies.
const STAFF_INPUT_ROUTES: { method: "GET" | "POST"; path: string }[] = [
  { method: "GET", path: "/api/v1/staff/devices" },
  { method: "GET", path: "/api/v1/staff/devices/summary" },
  { method: "GET", path: "/api/v1/staff/devices/export" },
  { method: "GET", path: "/api/v1/staff/devices/bulk" },
  { method: "POST", path: "/api/v1/staff/devices/bulk" },
  { method: "GET", path: "/api/v1/staff/devices/dev_A1B2C3D4E5F6G7H8/series" },
  { method: "POST", path: "/api/v1/staff/devices/dev_A1B2C3D4E5F6G7H8/transfer" },
  { method: "GET", path: "/api/v1/staff/audit" },
  { method: "GET", path: "/api/v1/staff/audit/export" },
  { method: "POST", path: "/api/v1/staff/invitations/bulk" },
  { method: "POST", path: "/api/v1/staff/invitations" },
  { method: "GET", path: "/api/v1/staff/studies" },
  { method: "POST", path: "/api/v1/staff/studies" },
  { method: "POST", path: "/api/v1/staff/studies/stu_AAAAAAAAAAAAAAAA/status" },
  { method: "POST", path: "/api/v1/staff/studies/stu_AAAAAAAAAAAAAAAA/consent-versions" },
  { method: "GET", path: "/api/v1/research/studies/stu_AAAAAAAAAAAAAAAA/dashboard" },
];
const consoleValue = fc.oneof(
  printable,
  segment,
  fc.constantFrom("online", "released", "lastSeen", "asc", "2026-11-24", "2026-02-30", "2026-11-24T00:00:00+99:00"),
  fc.constantFrom("-1", "0", "1e309", "99999999999999999999", "device.", "..", "%00"),
  fc
    .string({ maxLength: 40 })
    .map((s) => Buffer.from(JSON.stringify([s, "dev_A1B2C3D4E5F6G7H8"])).toString("base64url")),
);
const consoleQuery = fc
  .dictionary(
    fc.constantFrom(
      ..."q status model firmware owner seenBefore seenAfter sort dir cursor limit silentHours account device action from to before range x".split(
        " ",
      ),
    ),
    consoleValue,
    { maxKeys: 4 },
  )
  .map((d) => new URLSearchParams(d).toString());
const consoleBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      filter: fc.oneof(
        fc.dictionary(fc.constantFrom("q", "status", "model", "seenBefore", "x"), consoleValue),
        printable,
      ),
      action: fc.oneof(
        fc.constant({ kind: "revoke" }),
        fc.record({ kind: fc.constant("command"), command: fc.record({ type: printable, params: fc.jsonValue() }) }),
        printable,
      ),
      // Never a count a real selection could have: a fuzzed bulk action must not run.
      expectedCount: fc.oneof(
        fc.integer({ min: 1_000_000 }),
        fc.integer({ max: 0 }),
        fc.constantFrom(1.5, "3", null),
        printable,
      ),
      email: fc.oneof(printable, fc.constant("nobody@e2e.example.org")),
      reason: fc.oneof(printable, fc.constant("")),
      csv: fc.oneof(printable, fc.constant('\uFEFF"\n,,,\r\n=1,=2')),
    },
    { requiredKeys: [] },
  ),
);

test("fuzz: the staff console's inputs, signed in as staff: never a 5xx, errors are problem+json", async () => {
  test.setTimeout(300_000);
  const staff = await staffApi();
  const runs = Math.max(50, Math.floor(RUNS / 4));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...STAFF_INPUT_ROUTES), consoleQuery, consoleBody, async (r, q, b) => {
      const res = await staff.fetch(`${r.path}${q ? `?${q}` : ""}`, {
        method: r.method,
        ...(r.method === "POST" ? { data: b } : {}),
        maxRedirects: 0,
      });
      const text = await res.text();
      const what = `${r.method} ${r.path}?${q} ${JSON.stringify(b).slice(0, 200)} -> ${res.status()} ${text.slice(0, 200)}`;
      expect(res.status(), what).toBeLessThan(500);
      if (res.status() >= 400) expect(res.headers()["content-type"], what).toBe("application/problem+json");
    }),
    { seed: SEED, numRuns: runs, endOnFailure: true },
  );
  await staff.dispose();
});
