import { fork, type ChildProcess } from "node:child_process";
import { setMaxListeners } from "node:events";
import os from "node:os";
import { DeviceClient, type Challenge } from "../device/client";

// The devices bench:claims holds in long polls. Each starts its provisioning session at a random
// moment of the ramp, then polls until it is challenged or the run ends, pausing up to
// `jitterMs` between polls (docs/protocol.md tells a device to re-poll at once; the pause stands
// for its network and its own work). A request that fails at the network level (refused, reset)
// is retried after a second, as the device simulator does, at most twice; a third failure is
// an error.
//
// The devices that will be claimed run in the benchmark's own process, beside the claimants
// that time them. The rest, the idle fleet, run in a child process of their own
// (`startIdleFleet`): real devices and a claimant's phone do not share an event loop, and a
// garbage-collection pause of a process holding thousands of clients would otherwise be
// counted as claim latency.

export type FleetOptions = {
  base: string;
  /** The poll's wait, in seconds. */
  wait: number;
  rampMs: number;
  jitterMs: number;
};

export type FleetStatus = {
  /** Devices whose first poll has been sent. */
  polling: number;
  errors: number;
  retries: number;
  errorKinds: Record<string, number>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Fleet {
  readonly devices: DeviceClient[];
  /** Resolves a device's challenge (set by whoever claims it). */
  readonly challenges = new Map<DeviceClient, (c: Challenge) => void>();
  /** Devices in the pause between two polls. */
  readonly betweenPolls = new Set<DeviceClient>();
  private readonly status: FleetStatus = { polling: 0, errors: 0, retries: 0, errorKinds: {} };
  private readonly ctl = new AbortController();
  private readonly loops: Promise<void>[];

  constructor(
    count: number,
    private readonly opts: FleetOptions,
  ) {
    setMaxListeners(0, this.ctl.signal); // every device's poll listens to it
    this.devices = Array.from({ length: count }, () => new DeviceClient(opts.base, null, { model: "bench-room" }));
    this.loops = this.devices.map((d) => this.run(d));
  }

  snapshot(): FleetStatus {
    return { ...this.status, errorKinds: { ...this.status.errorKinds } };
  }

  fail(kind: string) {
    this.status.errors++;
    this.status.errorKinds[kind] = (this.status.errorKinds[kind] ?? 0) + 1;
  }

  /** Ends every poll and waits for the devices to stop. */
  async stop(): Promise<FleetStatus> {
    this.ctl.abort();
    await Promise.allSettled(this.loops);
    return this.snapshot();
  }

  /** Network-level failures (not HTTP answers) retried after a second, at most twice. */
  private async retrying<T>(f: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (err) {
        if (attempt >= 2 || this.ctl.signal.aborted || !(err instanceof TypeError)) throw err;
        this.status.retries++;
        await sleep(1000);
      }
    }
  }

  private async run(d: DeviceClient) {
    const { signal } = this.ctl;
    await sleep(Math.random() * this.opts.rampMs);
    if (signal.aborted) return;
    try {
      await this.retrying(() => d.startSession());
    } catch {
      return this.fail("session start");
    }
    let counted = false;
    while (!signal.aborted) {
      try {
        const p = this.retrying(() => d.poll(this.opts.wait, signal));
        if (!counted) {
          counted = true;
          this.status.polling++;
        }
        const a = await p;
        if (a.state === "challenge") {
          this.challenges.get(d)?.(a);
          return;
        }
        this.betweenPolls.add(d);
        await sleep(Math.random() * this.opts.jitterMs);
        this.betweenPolls.delete(d);
      } catch {
        if (!signal.aborted) this.fail("poll");
        return;
      }
    }
  }
}

type FromFleet = { status: FleetStatus; final?: boolean };
type ToFleet = { start: { count: number; opts: FleetOptions } } | { stop: true };

export type IdleFleet = { status(): FleetStatus; stop(): Promise<FleetStatus>; pid: number };

/**
 * `count` idle devices in a child process, its scheduling priority lowered to `nice` (the
 * devices of a real fleet do not take the server's CPU at all); its status arrives five times a
 * second.
 */
export function startIdleFleet(count: number, opts: FleetOptions, nice: number): IdleFleet {
  const child: ChildProcess = fork(import.meta.filename, ["--idle-fleet"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (nice) os.setPriority(child.pid!, nice);
  let status: FleetStatus = { polling: 0, errors: 0, retries: 0, errorKinds: {} };
  let ended: (s: FleetStatus) => void = () => {};
  const final = new Promise<FleetStatus>((resolve) => (ended = resolve));
  child.on("message", (m: FromFleet) => {
    status = m.status;
    if (m.final) ended(m.status);
  });
  child.on("exit", (code) => {
    if (code !== 0)
      status = { ...status, errors: status.errors + 1, errorKinds: { ...status.errorKinds, "idle fleet exited": 1 } };
    ended(status);
  });
  child.send({ start: { count, opts } } satisfies ToFleet);
  return {
    pid: child.pid!,
    status: () => status,
    async stop() {
      if (child.connected) child.send({ stop: true } satisfies ToFleet);
      return final;
    },
  };
}

if (process.argv.includes("--idle-fleet") && process.send) {
  let fleet: Fleet | null = null;
  let timer: NodeJS.Timeout | undefined;
  process.on("message", async (m: ToFleet) => {
    if ("start" in m) {
      fleet = new Fleet(m.start.count, m.start.opts);
      timer = setInterval(() => process.send!({ status: fleet!.snapshot() } satisfies FromFleet), 200);
    } else if (fleet) {
      clearInterval(timer);
      const status = await fleet.stop();
      process.send!({ status, final: true } satisfies FromFleet, () => process.exit(0));
    } else process.exit(0);
  });
  process.on("disconnect", () => process.exit(0));
}
