import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { acceptedOrigins, checkSameOrigin } from "./same-origin";

const PUBLIC_URL = "https://claimlink.example.org";

function write(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1:3000/api/v1/claims", { method: "POST", headers });
}

function refusal(headers: Record<string, string>): AppError | null {
  try {
    checkSameOrigin(write(headers), PUBLIC_URL);
    return null;
  } catch (err) {
    return err as AppError;
  }
}

describe("checkSameOrigin: the cookie alone never authorises a cross-site write", () => {
  it.each(["cross-site", "same-site"])("refuses Sec-Fetch-Site: %s with csrf_failed (403)", (site) => {
    const err = refusal({ host: "claimlink.example.org", "sec-fetch-site": site });
    expect(err).toBeInstanceOf(AppError);
    expect(err?.code).toBe("csrf_failed");
    expect(err?.status).toBe(403);
  });

  it.each(["same-origin", "none"])("allows Sec-Fetch-Site: %s", (site) => {
    expect(refusal({ host: "claimlink.example.org", "sec-fetch-site": site })).toBeNull();
  });

  it("refuses a write with neither Origin nor Sec-Fetch-Site", () => {
    expect(refusal({ host: "claimlink.example.org" })?.code).toBe("csrf_failed");
  });

  it("allows Sec-Fetch-Site: same-origin without an Origin", () => {
    expect(refusal({ host: "claimlink.example.org", "sec-fetch-site": "same-origin" })).toBeNull();
  });

  it("refuses an Origin of another host, even with Sec-Fetch-Site absent", () => {
    expect(refusal({ host: "claimlink.example.org", origin: "https://evil.example.net" })?.code).toBe("csrf_failed");
  });

  it("refuses an Origin that differs from Host only in port", () => {
    expect(refusal({ host: "claimlink.example.org", origin: "https://claimlink.example.org:8443" })?.code).toBe(
      "csrf_failed",
    );
  });

  it("refuses a cross-site Sec-Fetch-Site even when Origin matches", () => {
    expect(
      refusal({
        host: "claimlink.example.org",
        origin: "https://claimlink.example.org",
        "sec-fetch-site": "cross-site",
      })?.code,
    ).toBe("csrf_failed");
  });

  it("refuses an Origin that matches only the Host header, which the client chooses", () => {
    expect(
      refusal({ host: "10.0.0.5:3000", origin: "http://10.0.0.5:3000", "sec-fetch-site": "same-origin" })?.code,
    ).toBe("csrf_failed");
  });

  it("refuses an Origin that matches only a client-supplied X-Forwarded-Host", () => {
    expect(
      refusal({ host: "127.0.0.1:3000", "x-forwarded-host": "evil.example.net", origin: "https://evil.example.net" })
        ?.code,
    ).toBe("csrf_failed");
  });

  it("refuses the public host over another scheme", () => {
    expect(refusal({ host: "claimlink.example.org", origin: "http://claimlink.example.org" })?.code).toBe(
      "csrf_failed",
    );
  });

  it("allows an Origin equal to the public URL's host whatever the Host header", () => {
    expect(refusal({ host: "127.0.0.1:3000", origin: "https://claimlink.example.org" })).toBeNull();
  });

  it.each(["null", "not a url", "://"])("refuses a malformed Origin (%s)", (origin) => {
    expect(refusal({ host: "claimlink.example.org", origin })?.code).toBe("csrf_failed");
  });
});

describe("checkSameOrigin on a loopback public URL (development, the embedded default)", () => {
  const local = "http://localhost:3000";
  const at = (origin: string) => {
    try {
      checkSameOrigin(
        new Request("http://127.0.0.1:3000/api/v1/claims", {
          method: "POST",
          headers: { origin, "sec-fetch-site": "same-origin" },
        }),
        local,
      );
      return null;
    } catch (err) {
      return err as AppError;
    }
  };

  it.each(["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"])("accepts %s", (origin) => {
    expect(at(origin)).toBeNull();
  });

  it.each([
    "http://127.0.0.1:3001",
    "https://127.0.0.1:3000",
    "http://127.0.0.2:3000",
    "http://localhost.evil.example:3000",
  ])("refuses %s (another port, scheme or host), naming the address to use", (origin) => {
    const err = at(origin);
    expect(err?.code).toBe("csrf_failed");
    expect(err?.detail).toBe("Cross-site requests are refused. Open Claimlink at http://localhost:3000 and try again.");
  });

  it("accepts no alias for a public host name", () => {
    expect(acceptedOrigins("https://claimlink.example.org")).toEqual(["https://claimlink.example.org"]);
  });
});
