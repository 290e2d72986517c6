import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "./audit-text";

describe("describeAuditEvent: the audit log and a device's activity in words", () => {
  it("says a known action as a sentence", () => {
    expect(describeAuditEvent("device.reported_lost", {})).toBe("Reported lost or stolen");
    expect(describeAuditEvent("credential.revoked", { reason: "lost" })).toBe("Credential revoked");
  });

  it("says what was refused and why, from the refusal's code", () => {
    expect(describeAuditEvent("device.request_refused", { code: "bad_signature" })).toBe(
      "A request from the device was refused: bad request signature",
    );
    expect(describeAuditEvent("device.rename_refused", { code: "name_taken" })).toBe(
      "Device rename refused: name already used",
    );
    expect(describeAuditEvent("claim.refused", {})).toBe("A claim was refused");
  });

  it("tells a refused sign-in from a successful one", () => {
    expect(describeAuditEvent("signin", {}, "success")).toBe("Signed in");
    expect(describeAuditEvent("signin", { code: "rate_limited", reason: "rate_limited" }, "failure")).toBe(
      "A sign-in was refused: too many attempts",
    );
  });

  it("never hides an action it has no sentence for", () => {
    expect(describeAuditEvent("studies.enrolled", null)).toBe("Studies enrolled");
    expect(describeAuditEvent("thing.other_refused", { code: "made_up_code" })).toBe(
      "Thing other refused: made up code",
    );
  });
});
