import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../errors/app-error";
import { errorCodesOf } from "./openapi";
import { API_BASE, apiRoutes, compareRoutePaths, openApiDocument, servedPaths } from "./router";

// The OpenAPI document is the router's own description: valid OpenAPI 3.1, one operation for
// every route the router serves (and none it does not), each with its guard, its security and
// every refusal code it may answer, and examples a client can trust (they parse with the very
// schemas the routes parse with).

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { securitySchemes: Record<string, unknown>; headers: Record<string, unknown> };
};
const doc = openApiDocument() as unknown as Doc;
const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
  Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })),
);

describe("the OpenAPI document of /api/v1", () => {
  it("is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
  });

  it("has exactly one operation for every route the router serves, and a path for every path it matches", () => {
    const declared = apiRoutes.map((r) => `${r.def.method} ${API_BASE}${r.def.path}`).sort();
    expect(new Set(declared).size).toBe(declared.length);
    expect(operations.map((o) => o.key).sort()).toEqual(declared);
    // What Hono really matches: every documented path, and the signed catch-alls under the device prefixes.
    const matched = servedPaths().map((p) => p.replace(/:(\w+)/g, "{$1}"));
    expect(matched.filter((p) => !p.endsWith("/*")).sort()).toEqual(Object.keys(doc.paths).sort());
    expect(matched.filter((p) => p.endsWith("/*")).sort()).toEqual(["/api/v1/devices/me/*", "/api/v1/provisioning/*"]);
    expect(operations.length).toBeGreaterThan(60);
  });

  it("gives every operation a guard, the security scheme of that guard, a tag and an operation id", () => {
    const ids = new Set<string>();
    for (const { key, op } of operations) {
      expect(op["x-claimlink-guard"], key).toMatch(
        /^(public|user|owner|staff|device-signed|device-session-token|device-start)$/,
      );
      const guard = op["x-claimlink-guard"] as string;
      const schemes = (op.security as Record<string, string[]>[]).flatMap((s) => Object.keys(s));
      if (guard === "public") expect(schemes, key).toEqual([]);
      // A read that takes an API token lists the token with the scope it needs, and only a GET does.
      const scope = op["x-claimlink-token-scope"] as string | undefined;
      if (["user", "owner", "staff"].includes(guard))
        expect(schemes, key).toEqual(scope ? ["sessionCookie", "apiToken"] : ["sessionCookie"]);
      if (scope) {
        expect(key.startsWith("GET "), key).toBe(true);
        const wanted = scope === "study:read" ? "study:{studyId}:read" : scope;
        expect(op.security, key).toContainEqual({ apiToken: [wanted] });
        expect(Object.keys(op.responses as object), key).toEqual(expect.arrayContaining(["401", "403", "429"]));
      }
      if (guard === "device-signed" || guard === "device-start") expect(schemes, key).toEqual(["ClaimlinkHMAC"]);
      if (guard === "device-session-token") expect(schemes, key).toEqual(["provisioningSession"]);
      for (const s of schemes) expect(doc.components.securitySchemes[s], `${key}: ${s}`).toBeDefined();
      expect((op.tags as string[]).length, key).toBe(1);
      expect(ids.has(op.operationId as string), `${key}: unique operationId`).toBe(false);
      ids.add(op.operationId as string);
    }
  });

  it("lists each refusal code under its own status, as problem+json, with the signature headers on device routes", () => {
    for (const r of apiRoutes) {
      const op = doc.paths[API_BASE + r.def.path][r.def.method.toLowerCase()];
      const responses = op.responses as Record<
        string,
        { headers?: object; content?: Record<string, { schema: object }> }
      >;
      for (const code of errorCodesOf(r.def)) {
        const answer = responses[String(ERROR_STATUS[code])];
        expect(answer, `${r.def.method} ${r.def.path}: ${code}`).toBeDefined();
        expect(
          JSON.stringify(answer.content?.["application/problem+json"]),
          `${r.def.method} ${r.def.path}: ${code}`,
        ).toContain(`"${code}"`);
        if (r.def.guard.startsWith("device-"))
          expect(Object.keys(answer.headers ?? {})).toContain("Claimlink-Signature");
      }
      // Guards' own refusals are always there.
      if (r.def.guard === "staff") expect(errorCodesOf(r.def)).toContain("forbidden");
      if (r.def.guard === "device-signed") expect(errorCodesOf(r.def)).toContain("bad_signature");
    }
    expect(Object.keys(doc.components.headers).sort()).toEqual(["Claimlink-Response-MAC", "Claimlink-Signature"]);
  });

  it("has examples for the main device and claim routes, and each example parses with its route's schema", () => {
    const withExamples = [
      "POST /provisioning/sessions",
      "GET /provisioning/sessions/{sid}",
      "POST /provisioning/sessions/{sid}/claims/{claimId}",
      "GET /devices/me",
      "POST /devices/me/measurements",
      "POST /devices/me/commands/{commandId}",
      "POST /claims",
      "GET /claims/{claimId}",
    ];
    for (const key of withExamples) {
      const r = apiRoutes.find((x) => `${x.def.method} ${x.def.path}` === key);
      expect(
        Object.values(r!.def.answers).some((a) => a.example !== undefined),
        key,
      ).toBe(true);
    }
    for (const { def } of apiRoutes) {
      const key = `${def.method} ${def.path}`;
      if (def.body?.example !== undefined)
        expect(def.body.schema.safeParse(def.body.example).error, key).toBeUndefined();
      for (const [status, a] of Object.entries(def.answers))
        if (a.example !== undefined && a.schema)
          expect(a.schema.safeParse(a.example).error, `${key} ${status}`).toBeUndefined();
    }
  });
});

describe("the router's order of paths (as Next matched the route files)", () => {
  it("tries a fixed segment before a parameter, a parameter before a catch-all, and a path before longer ones", () => {
    const sorted = [
      "/devices/{deviceId}",
      "/devices/me/*",
      "/devices/me",
      "/claims/{claimId}",
      "/claims/preview",
      "/claims",
    ].sort(compareRoutePaths);
    expect(sorted).toEqual([
      "/claims",
      "/claims/preview",
      "/claims/{claimId}",
      "/devices/me",
      "/devices/me/*",
      "/devices/{deviceId}",
    ]);
  });
});
