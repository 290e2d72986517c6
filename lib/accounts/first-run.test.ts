import { describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../audit/record";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { firstRunStatus } from "./first-run";
import { newUser } from "./schemas";
import { createUser, setUserDisabled } from "./users";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const password = "correct horse battery";

describe("firstRunStatus: whether the start banner still says how to create the first staff account", () => {
  it("counts only an enabled staff account", async () => {
    const { db } = database;
    // A shared PostgreSQL test database may already hold staff; on a fresh one every step shows.
    const before = await firstRunStatus(db);
    await createUser(db, CLI_ACTOR, newUser({ email: uniqueEmail("p"), name: "P", password }));
    expect((await firstRunStatus(db)).hasStaff).toBe(before.hasStaff);
    const staff = await createUser(
      db,
      CLI_ACTOR,
      newUser({ email: uniqueEmail("s"), name: "S", password, role: "staff" }),
    );
    expect((await firstRunStatus(db)).hasStaff).toBe(true);
    if (!before.hasStaff) {
      await setUserDisabled(db, CLI_ACTOR, staff.id, true);
      expect((await firstRunStatus(db)).hasStaff).toBe(false);
    }
  });
});
