export declare const STAMP_FILE: string;
export declare function sourceHash(root: string, env?: Record<string, string | undefined>): string;
export declare function buildStatus(
  root: string,
  env?: Record<string, string | undefined>,
): { current: boolean; reason: string; hash?: string };
export declare function writeStamp(root: string, hash: string): void;
