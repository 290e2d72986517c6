import { describe, expect, it } from "vitest";
import { assignStages, failuresReachThreshold, stageEnds } from "./stages";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev_${String(i).padStart(16, "A")}`);
const sizes = (m: Map<string, number>, stages: number) =>
  Array.from({ length: stages }, (_, s) => [...m.values()].filter((v) => v === s).length);

describe("rollout stages", () => {
  it("splits 10 devices 10/50/100 into 1, 4 and 5, and 1000 devices 1/10/50/100 into 10, 90, 400 and 500", () => {
    expect(sizes(assignStages("rol_A", ids(10), [10, 50, 100]), 3)).toEqual([1, 4, 5]);
    expect(sizes(assignStages("rol_A", ids(1000), [1, 10, 50, 100]), 4)).toEqual([10, 90, 400, 500]);
  });

  it("puts at least one device in the first stage and every device in some stage", () => {
    const m = assignStages("rol_B", ids(3), [1, 100]);
    expect(sizes(m, 2)).toEqual([1, 2]);
    expect(stageEnds(0, [1, 100])).toEqual([0, 0]);
    expect(assignStages("rol_B", [], [1, 100]).size).toBe(0);
  });

  it("is deterministic and stable: the same rollout and devices give the same stages, in any input order", () => {
    const list = ids(200);
    const a = assignStages("rol_C", list, [5, 25, 100]);
    const b = assignStages("rol_C", [...list].reverse(), [5, 25, 100]);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    // Another rollout draws another order, so the same households are not always first.
    const other = assignStages("rol_D", list, [5, 25, 100]);
    const first = (m: Map<string, number>) => [...m].filter(([, s]) => s === 0).map(([id]) => id);
    expect(first(other)).not.toEqual(first(a));
  });

  it("counts a device listed twice once", () => {
    expect(assignStages("rol_E", ["dev_1", "dev_1", "dev_2"], [100]).size).toBe(2);
  });
});

describe("failure threshold", () => {
  const t = { percent: 5, count: 3 };
  it("pauses at 3 devices in a large stage and at 5 % in a small one, whichever comes first", () => {
    expect(failuresReachThreshold({ failed: 2, stageSize: 400, baseline: 0 }, t)).toBe(false);
    expect(failuresReachThreshold({ failed: 3, stageSize: 400, baseline: 0 }, t)).toBe(true);
    expect(failuresReachThreshold({ failed: 1, stageSize: 20, baseline: 0 }, t)).toBe(true); // 5 %
    expect(failuresReachThreshold({ failed: 1, stageSize: 21, baseline: 0 }, t)).toBe(false);
    expect(failuresReachThreshold({ failed: 0, stageSize: 1, baseline: 0 }, t)).toBe(false);
  });
  it("does not count the failures staff accepted by resuming", () => {
    expect(failuresReachThreshold({ failed: 3, stageSize: 400, baseline: 3 }, t)).toBe(false);
    expect(failuresReachThreshold({ failed: 5, stageSize: 400, baseline: 3 }, t)).toBe(false);
    expect(failuresReachThreshold({ failed: 6, stageSize: 400, baseline: 3 }, t)).toBe(true);
  });
});
