import { describe, expect, it } from "vitest";
import { addressBucket } from "./address";

describe("addressBucket: what a per-address limit counts", () => {
  it("counts IPv6 by its /64, however the address is written", () => {
    const bucket = "2001:db8:1:2::/64";
    for (const ip of [
      "2001:db8:1:2::1",
      "2001:0db8:0001:0002:ffff:ffff:ffff:ffff",
      "2001:DB8:1:2:3:4:5:6",
      "2001:db8:1:2::",
    ])
      expect(addressBucket(ip)).toBe(bucket);
    expect(addressBucket("2001:db8:1:3::1")).not.toBe(bucket);
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("counts an IPv4 client of a dual-stack socket (::ffff:a.b.c.d) as its IPv4 address, not as one shared /64", () => {
    expect(addressBucket("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressBucket("::FFFF:198.51.100.7")).toBe("198.51.100.7");
    expect(addressBucket("::ffff:192.0.2.1")).not.toBe(addressBucket("::ffff:192.0.2.2"));
  });

  it("keeps IPv4 addresses whole, and anything else as given", () => {
    expect(addressBucket("192.0.2.10")).toBe("192.0.2.10");
    expect(addressBucket(null)).toBe("unknown");
    expect(addressBucket("not an address")).toBe("not an address");
  });
});
