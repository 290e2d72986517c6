import { describe, expect, it } from "vitest";

describe("health", () => {
  it("reports the database unavailable (the route answers 503) when PostgreSQL does not answer", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/claimlink_nowhere";
    try {
      const { checkHealth } = await import("./health");
      expect(await checkHealth()).toEqual({ status: "unavailable", database: "postgres" });
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
