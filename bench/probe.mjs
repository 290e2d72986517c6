// Loaded into the app by the benchmarks (`node --import ./bench/probe.mjs`), never by the app
// itself: every 500 ms it writes to $BENCH_PROBE_FILE the process's memory, the event loop's
// delay and garbage-collection pauses since the last write, and the HTTP requests it is answering right now (held long polls).
import fs from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import process from "node:process";
import { setInterval } from "node:timers";

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  let active = 0;
  let served = 0;
  let posts = [];
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res, ...rest) {
    if (event === "request") {
      active++;
      served++;
      res.once("close", () => active--);
      if (req.method === "POST") {
        const t0 = performance.now();
        res.once("finish", () => posts.push([req.url, Math.round(performance.now() - t0)]));
      }
    }
    return emit.call(this, event, req, res, ...rest);
  };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let maxDelay = 0;
  // Garbage collection pauses since the last write: how many, their total and the longest (ms).
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  const write = () => {
    const m = process.memoryUsage();
    const p99 = delay.percentile(99) / 1e6;
    maxDelay = Math.max(maxDelay, delay.max / 1e6);
    const snapshot = {
      at: Date.now(),
      rss: m.rss,
      heapUsed: m.heapUsed,
      activeRequests: active,
      served,
      delayP50: delay.percentile(50) / 1e6,
      delayP99: p99,
      delayMax: delay.max / 1e6,
      delayMaxEver: maxDelay,
      posts,
      gc,
    };
    posts = [];
    gc = { count: 0, totalMs: 0, maxMs: 0 };
    delay.reset();
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    fs.renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 500).unref();
}
