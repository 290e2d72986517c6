import { afterEach, describe, expect, it, vi } from "vitest";

// env() reads process.env once and caches it, so each configuration gets a fresh module graph.
async function withProxies(n: number) {
  vi.resetModules();
  vi.stubEnv("CLAIMLINK_TRUSTED_PROXIES", String(n));
  return import("./client-ip");
}

const xff = (value: string) => new Headers({ "x-forwarded-for": value });

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("clientIp with no trusted proxy (CLAIMLINK_TRUSTED_PROXIES=0)", () => {
  it("is the socket peer that scripts/start.mjs appended last", async () => {
    const { clientIp } = await withProxies(0);
    expect(clientIp(xff("198.51.100.7"))).toBe("198.51.100.7");
  });

  it("ignores entries a client put in X-Forwarded-For itself", async () => {
    const { clientIp } = await withProxies(0);
    expect(clientIp(xff("1.2.3.4, 127.0.0.1, 198.51.100.7"))).toBe("198.51.100.7");
  });

  it("strips the IPv4-mapped IPv6 prefix", async () => {
    const { clientIp } = await withProxies(0);
    expect(clientIp(xff("::ffff:203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(xff("2001:db8::1"))).toBe("2001:db8::1");
  });

  it("is null without the header, and bounded in length", async () => {
    const { clientIp } = await withProxies(0);
    expect(clientIp(new Headers())).toBeNull();
    expect(clientIp(xff(" , "))).toBeNull();
    expect(clientIp(xff("a".repeat(500)))).toHaveLength(64);
  });
});

describe("clientIp behind N trusted proxies", () => {
  it("with 1 proxy, is the entry the proxy appended (one before the peer)", async () => {
    const { clientIp } = await withProxies(1);
    // client-supplied spoof, the client as the proxy saw it, the proxy as our socket saw it
    expect(clientIp(xff("6.6.6.6, 198.51.100.7, 10.0.0.2"))).toBe("198.51.100.7");
  });

  it("with 2 proxies, is the entry two places from the end", async () => {
    const { clientIp } = await withProxies(2);
    expect(clientIp(xff("6.6.6.6, ::ffff:198.51.100.7, 10.0.0.3, 10.0.0.2"))).toBe("198.51.100.7");
  });

  it("falls back to the first entry when the list is shorter than the proxies", async () => {
    const { clientIp } = await withProxies(3);
    expect(clientIp(xff("198.51.100.7, 10.0.0.2"))).toBe("198.51.100.7");
  });
});

describe("peerAddress and isLoopback", () => {
  it("peerAddress is always the last entry, whatever the proxies", async () => {
    const { peerAddress } = await withProxies(2);
    expect(peerAddress(xff("6.6.6.6, 10.0.0.3, ::ffff:127.0.0.1"))).toBe("127.0.0.1");
    expect(peerAddress(new Headers())).toBeNull();
  });

  it("isLoopback is true for 127.0.0.0/8 and ::1 only", async () => {
    const { isLoopback } = await withProxies(0);
    for (const a of ["127.0.0.1", "127.1.2.3", "::1"]) expect(isLoopback(a)).toBe(true);
    for (const a of [null, "", "10.0.0.1", "::ffff:127.0.0.1", "128.0.0.1", "::2", "1.127.0.0"])
      expect(isLoopback(a)).toBe(false);
  });

  it("a spoofed loopback entry never makes a remote peer loopback", async () => {
    const { isLoopback, peerAddress } = await withProxies(0);
    expect(isLoopback(peerAddress(xff("127.0.0.1, 198.51.100.7")))).toBe(false);
  });
});
