import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { handleApiRequest } from "../api/router";
import { createSession } from "../auth/sessions";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { insertAccount } from "../provisioning/test-fixtures";
import { withAppDatabase } from "../test-helpers";
import { CLI_ACTOR } from "../audit/record";
import { createToken } from "../integrations/tokens";
import { ERROR_STATUS, errorTitle } from "./app-error";

// A problem answered to a person's browser comes in their language (docs/i18n.md): the title and
// detail from messages/nl.json `problems` for Dutch, the server's own words for English; the
// code and status never change, and a device's routes always answer in English.

let db: Db;
withAppDatabase((d) => {
  db = d;
});

const send = (path: string, headers: Record<string, string>, method = "GET") =>
  handleApiRequest(new Request(`http://localhost:3000${path}`, { method, headers }));

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { title: string; detail: string; code: string; status: number };
}

describe("problem answers in the reader's language", () => {
  it("have a Dutch and an English title and detail for every code", () => {
    for (const code of Object.keys(ERROR_STATUS)) {
      expect(nl.problems, code).toHaveProperty([code, "title"]);
      expect(nl.problems, code).toHaveProperty([code, "detail"]);
      expect(en.problems, code).toHaveProperty([code, "title"]);
    }
  });

  it("follow Accept-Language, then the remembered cookie, keeping the code and status", async () => {
    const dutch = await problem(await send("/api/v1/devices", { "accept-language": "nl-NL,nl;q=0.9,en;q=0.5" }));
    expect(dutch).toMatchObject({ status: 401, code: "unauthenticated", title: nl.problems.unauthenticated.title });
    expect(dutch.detail).toBe(nl.problems.unauthenticated.detail);
    const english = await problem(await send("/api/v1/devices", { "accept-language": "en-GB" }));
    expect(english).toMatchObject({ status: 401, code: "unauthenticated", title: "Sign in required" });
    const remembered = await problem(
      await send("/api/v1/devices", { "accept-language": "en-GB", cookie: "claimlink-locale=nl" }),
    );
    expect(remembered.title).toBe(nl.problems.unauthenticated.title);
  });

  it("follow the account's saved language over the browser's", async () => {
    const person = await insertAccount(db, "problem-nl");
    await db.update(users).set({ locale: "nl" }).where(eq(users.id, person.id));
    const s = await createSession(db, { userId: person.id, ip: null, userAgent: null, days: 1 });
    const res = await send("/api/v1/devices/dev_NOSUCHDEVICE0000", {
      cookie: `authjs.session-token=${s.token}`,
      "accept-language": "en-GB",
    });
    const body = await problem(res);
    expect(body.code).toBe("device_not_found");
    expect(body.title).toBe(nl.problems.device_not_found.title);
  });

  /** The answer is the server's English: the code's English title, and not the Dutch detail. */
  function expectEnglish(body: { code: string; title: string; detail: string }) {
    expect(body.title, body.code).toBe(errorTitle(body.code));
    expect(body.detail, body.code).not.toBe(nl.problems[body.code as keyof typeof nl.problems]?.detail);
  }
  const DUTCH = { "accept-language": "nl", cookie: "claimlink-locale=nl" };

  it("stay English on the routes devices call, whatever the request asks", async () => {
    const firmware = await problem(await send(`/api/v1/firmware/${"0".repeat(64)}`, DUTCH));
    expect(firmware).toMatchObject({ status: 404, code: "firmware_not_found", title: "Firmware image not found" });
    expectEnglish(await problem(await send("/api/v1/devices/me", DUTCH)));
    // A legacy node's push: a body that is not JSON is refused, in English.
    const push = await handleApiRequest(
      new Request("http://localhost:3000/api/v1/legacy/push-sensor-data", {
        method: "POST",
        headers: { ...DUTCH, "content-type": "application/json", "x-sensor": "esp8266-1234567", "x-pin": "1" },
        body: "{ not json",
      }),
    );
    expect(push.status).toBeGreaterThanOrEqual(400);
    expectEnglish(await problem(push));
  });

  it("stay English on the staff and research routes (pages not translated yet) and for API tokens", async () => {
    const person = await insertAccount(db, "problem-en");
    await db.update(users).set({ locale: "nl" }).where(eq(users.id, person.id));
    const s = await createSession(db, { userId: person.id, ip: null, userAgent: null, days: 1 });
    const cookie = `authjs.session-token=${s.token}; claimlink-locale=nl`;
    const staff = await problem(await send("/api/v1/staff/devices", { cookie, "accept-language": "nl" }));
    expect(staff.status).toBe(403);
    expectEnglish(staff);
    const research = await problem(
      await send("/api/v1/research/studies/std_NOSUCHSTUDY00000/dashboard", { cookie, "accept-language": "nl" }),
    );
    expect(research.status).toBeGreaterThanOrEqual(400);
    expectEnglish(research);
    const { token } = await createToken(
      db,
      CLI_ACTOR,
      { ...person, role: "participant" },
      {
        name: "Script",
        scopes: ["devices:read"],
      },
    );
    const program = await problem(
      await send("/api/v1/devices/dev_NOSUCHDEVICE0000", { authorization: `Bearer ${token}`, "accept-language": "nl" }),
    );
    expect(program.code).toBe("device_not_found");
    expectEnglish(program);
  });
});
