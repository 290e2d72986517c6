import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { webhookSubscriptions } from "../db/schema";
import { reportDeviceLost } from "../devices/lifecycle";
import { claimTestDevice, insertAccount } from "../studies/test-fixtures";
import { runDeliveries } from "./deliver";
import { listDeliveries } from "./deliveries";
import { updateSubscription } from "./subscriptions";
import { webhookTestBed } from "./test-receiver";

// Webhook destinations: private, loopback and link-local addresses are refused at creation and at
// delivery (a name that resolves to one), redirects are not followed, a silent receiver times out.

const { bed, delivery, servers, receiver, subscribe, drain } = webhookTestBed();

describe("webhook destinations", () => {
  it("a literal private, loopback or link-local address, localhost and plain http are refused at creation", async () => {
    const refused = [
      "https://10.0.0.1/hook",
      "https://127.0.0.1/hook",
      "https://[::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[::ffff:a9fe:a9fe]/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://[::]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://224.0.0.1/hook",
      "https://192.168.1.10/hook",
      "https://172.16.0.1/hook",
      "https://localhost/hook",
      "https://hooks.localhost/hook",
      "https://2130706433/hook", // 127.0.0.1 as the URL parser reads it
      "http://hooks.example.org/hook",
      "https://user:pw@hooks.example.org/hook",
      "ftp://hooks.example.org/hook",
    ];
    const before = await bed.db.select().from(webhookSubscriptions);
    for (const url of refused) {
      const code = await subscribe(url, {}, false).then(
        () => "created",
        (e: { code?: string }) => e.code,
      );
      expect(code, url).toBe("destination_not_allowed");
    }
    expect(await bed.db.select().from(webhookSubscriptions)).toHaveLength(before.length);
    const ok = await subscribe("https://hooks.example.org/claimlink", {}, false);
    expect(ok.view.url).toBe("https://hooks.example.org/claimlink");
  });

  it("outside development a name resolving to 127.0.0.1 is refused at delivery, and nothing is sent", async () => {
    const rx = await receiver();
    const port = new URL(rx.url).port;
    const { view } = await subscribe(`https://hooks.example.test:${port}/hook`, { events: ["device.lost"] }, false);
    const owner = await insertAccount(bed.db, "rebind");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);
    // The name's DNS answer is the attacker's: here it says 127.0.0.1.
    const resolve = async () => [{ address: "127.0.0.1", family: 4 }];
    await runDeliveries(bed.db, { ...delivery, allowLoopback: false, resolve });
    expect(rx.got).toHaveLength(0);
    const [log] = await listDeliveries(bed.db, view.id);
    expect(log.log[0].error).toMatch(/destination refused: hooks.example.test resolves to a loopback address/);
    // One private address among public ones is enough to refuse.
    const mixed = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.1.2.3", family: 4 },
    ];
    await runDeliveries(bed.db, { ...delivery, allowLoopback: false, resolve: mixed }, new Date(Date.now() + 60_000));
    const [again] = await listDeliveries(bed.db, view.id);
    expect(again.log[0].error).toMatch(/resolves to a private address/);
  });

  it("a redirect is not followed, and a receiver that does not answer times out", async () => {
    const rx = await receiver(() => 302);
    const { view } = await subscribe(rx.url, { events: ["device.lost"] });
    const owner = await insertAccount(bed.db, "redirect");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);
    await drain();
    expect(rx.got).toHaveLength(1);
    const [log] = await listDeliveries(bed.db, view.id);
    expect(log.log[0]).toMatchObject({ status: 302, error: "answered 302" });

    const silent = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    servers.push(silent);
    const port = (silent.address() as AddressInfo).port;
    await updateSubscription(bed.db, { allowLoopback: true }, bed.staff, view.id, {
      url: `http://127.0.0.1:${port}/hook`,
    });
    await runDeliveries(bed.db, { ...delivery, timeoutMs: 300 }, new Date(Date.now() + 60_000));
    const [timedOut] = await listDeliveries(bed.db, view.id);
    expect(timedOut.log[0].error).toBe("no answer within 0.3 s");
    silent.closeAllConnections();
  });
});
