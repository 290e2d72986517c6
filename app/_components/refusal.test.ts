import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { refusalOf } from "./refusal";

describe("the refusal a page shows", () => {
  const known = ["not_found", "rate_limited", "network_error"];

  it("is the page's sentence for the problem's code, never the server's detail", () => {
    expect(refusalOf(new ApiError(404, "not_found", "English detail"), known)).toEqual({ key: "not_found" });
    expect(refusalOf(new ApiError(0, "network_error", "Could not reach"), known)).toEqual({ key: "network_error" });
  });

  it("tells how many minutes to wait when rate limited, at least one", () => {
    expect(refusalOf(new ApiError(429, "rate_limited", "Later", 301), known)).toEqual({
      key: "rate_limited",
      values: { minutes: 6 },
    });
    expect(refusalOf(new ApiError(429, "rate_limited", "Later", 5), known).values).toEqual({ minutes: 1 });
  });

  it("is `other` for a code the page has no sentence for, and for anything that is not a refusal", () => {
    expect(refusalOf(new ApiError(409, "email_taken", "Taken"), known)).toEqual({ key: "other" });
    expect(refusalOf(new ApiError(429, "rate_limited", "Later", 60), ["not_found"])).toEqual({ key: "other" });
    expect(refusalOf(new Error("boom"), known)).toEqual({ key: "other" });
  });
});
