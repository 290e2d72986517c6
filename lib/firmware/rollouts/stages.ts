import { createHash } from "node:crypto";

// The rollout's pure rules: which device goes in which stage, and when a stage's failures
// pause it. No database here, so they are tested exhaustively (stages.test.ts).

/**
 * The stage of each device: devices are ordered by SHA-256(rolloutId ":" deviceId), a stable
 * pseudo-random order that does not depend on ids, names or claim order (so no household is
 * always first), and stage `s` takes the devices up to ceil(n × percent[s] / 100). Returns the
 * stage index per device id; the same inputs always give the same answer.
 */
export function assignStages(rolloutId: string, deviceIds: readonly string[], percents: readonly number[]) {
  const ranked = [...new Set(deviceIds)]
    .map((id) => ({ id, key: createHash("sha256").update(`${rolloutId}:${id}`).digest("hex") }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ends = stageEnds(ranked.length, percents);
  const out = new Map<string, number>();
  let stage = 0;
  ranked.forEach(({ id }, i) => {
    while (i >= ends[stage]) stage++;
    out.set(id, stage);
  });
  return out;
}

/** How many devices the stages have reached once each has started (cumulative), for `n` devices. */
export function stageEnds(n: number, percents: readonly number[]): number[] {
  return percents.map((p) => Math.min(n, Math.ceil((n * p) / 100)));
}

export type StageFailures = { failed: number; stageSize: number; baseline: number };

/**
 * Whether a stage's failures reached the threshold: `count` devices or `percent` of the stage,
 * whichever comes first. Failures staff accepted by resuming (`baseline`) no longer count.
 */
export function failuresReachThreshold(f: StageFailures, threshold: { percent: number; count: number }): boolean {
  const failed = f.failed - f.baseline;
  if (failed <= 0 || f.stageSize === 0) return false;
  return failed >= threshold.count || failed * 100 >= threshold.percent * f.stageSize;
}
