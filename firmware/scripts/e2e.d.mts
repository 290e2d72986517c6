// Types for e2e.mjs, for e2e/firmware.spec.ts (the repository's TypeScript allows no JS imports).
export type DeviceExit = { code: number | null; signal: NodeJS.Signals | null };
export type RunningDevice = {
  lines: string[];
  exit(): DeviceExit | null;
  exited(timeoutMs: number, what: string): Promise<DeviceExit>;
  waitFor(re: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  stop(): Promise<DeviceExit>;
};
export type Api = (
  method: string,
  path: string,
  body?: unknown,
  opts?: { raw?: boolean },
) => Promise<{ status: number; body: Record<string, unknown> | null }>;

export function hasValgrind(): boolean;
export function buildDevice(buildDir?: string): string;
export function publishedPins(base: string): Promise<string[]>;
export function startDevice(opts: {
  bin: string;
  args: string[];
  valgrind?: boolean;
  echo?: boolean;
  env?: Record<string, string>;
  tag?: string;
}): RunningDevice;
export function createAccount(opts: {
  appDir: string;
  base: string;
  dataDir?: string;
  email: string;
  role: "participant" | "staff";
  password: string;
}): { email: string; password: string };
export function signIn(base: string, account: { email: string; password: string }): Promise<Api>;
export function claimFromQr(api: Api, base: string, qrUrl: string): Promise<string>;
export function claimOnce(api: Api, base: string, qrUrl: string): Promise<string | null>;
export const CLAIM_CUTS: string[];
export const REPROVISION_CUTS: string[];
type E2EOptions = {
  base?: string;
  appDir?: string;
  dataDir?: string;
  pins?: string[];
  staff?: { email: string; password: string };
  echo?: boolean;
};
export function runPowerCutE2E(opts?: E2EOptions & { bins?: Record<string, string> }): Promise<string[]>;
export function runClockE2E(opts?: E2EOptions & { bin?: string }): Promise<string[]>;
export function runOutageE2E(
  opts?: E2EOptions & { bin?: string },
): Promise<{ queued: number; tries: number; count: number }>;
export function runDeviceE2E(opts?: {
  base?: string;
  bin?: string;
  valgrind?: boolean;
  appDir?: string;
  dataDir?: string;
  pins?: string[];
  staff?: { email: string; password: string };
  echo?: boolean;
}): Promise<{ deviceId: string; pins: number; valgrind: boolean }>;
