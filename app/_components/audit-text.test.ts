import { createTranslator, type AbstractIntlMessages } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { describeAuditEvent, describeAuditEventIn, WORDED_ACTIONS, type ActivityWords } from "./audit-text";

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

describe("describeAuditEventIn: a device's activity in the reader's language", () => {
  const english = createTranslator({
    locale: "en",
    messages: en as AbstractIntlMessages,
    namespace: "activity",
  }) as unknown as ActivityWords;
  const dutch = createTranslator({
    locale: "nl",
    messages: nl as AbstractIntlMessages,
    namespace: "activity",
  }) as unknown as ActivityWords;
  const leaves = (tree: object, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([k, v]) =>
      typeof v === "string" ? [`${prefix}${k}`] : leaves(v as object, `${prefix}${k}.`),
    );

  it("words every event in English exactly as the audit log does", () => {
    for (const action of leaves(en.activity.sentences)) {
      expect(describeAuditEventIn(english, action, {})).toBe(describeAuditEvent(action, {}));
    }
    for (const action of leaves(en.activity.refused)) {
      for (const code of [...leaves(en.activity.reasons), "made_up_code"]) {
        expect(describeAuditEventIn(english, action, { code }, "failure")).toBe(
          describeAuditEvent(action, { code }, "failure"),
        );
      }
    }
  });

  it("says a device's events and refusals in Dutch", () => {
    expect(describeAuditEventIn(dutch, "device.claimed", {})).toBe("Gekoppeld");
    expect(describeAuditEventIn(dutch, "device.released", {})).toBe("Ontkoppeld door de eigenaar");
    expect(describeAuditEventIn(dutch, "device.request_refused", { code: "bad_signature" }, "failure")).toBe(
      "Een verzoek van het apparaat is geweigerd: handtekening klopt niet",
    );
    expect(describeAuditEventIn(dutch, "claim.refused", {}, "failure")).toBe("Koppelen is geweigerd");
  });

  it("words every event the audit log knows in Dutch, refusals and failures with their reason", () => {
    for (const kind of ["sentences", "refused", "failed"] as const) {
      for (const action of WORDED_ACTIONS[kind]) {
        expect(dutch.has(`${kind}.${action}`), `activity.${kind}.${action} in nl.json`).toBe(true);
      }
    }
    expect(describeAuditEventIn(dutch, "invitation.renewed", {})).toBe("Nieuwe link voor de uitnodiging");
    expect(describeAuditEventIn(dutch, "rollout.paused", {}, "failure")).toBe("Uitrol van firmware vanzelf gepauzeerd");
    expect(describeAuditEventIn(dutch, "signin", { code: "rate_limited" }, "failure")).toBe(
      "Inloggen is geweigerd: te vaak geprobeerd",
    );
  });

  it("falls back to the audit log's words rather than hide an event the catalog does not know", () => {
    expect(describeAuditEventIn(dutch, "studies.enrolled", null)).toBe("Studies enrolled");
    expect(describeAuditEventIn(dutch, "signin", { code: "made_up_code" }, "failure")).toBe(
      "A sign-in was refused: made up code",
    );
    expect(describeAuditEventIn(dutch, "device.request_refused", { code: "made_up_code" }, "failure")).toBe(
      "A request from the device was refused: made up code",
    );
  });
});
