import type { KeyObject } from "node:crypto";
export declare const TEST_KEYS: { AUTH_SECRET: string; CLAIMLINK_SECRET_KEY: string; CLAIMLINK_SIGNING_KEYS: string };
export declare function withTestKeys<T extends Record<string, string | undefined>>(env: T): T & typeof TEST_KEYS;
export declare const TEST_FIRMWARE_PUBLIC_KEY: string;
export declare const TEST_FIRMWARE_KID: string;
export declare const TEST_FIRMWARE_PRIVATE_KEY: string;
export declare const testFirmwareKey: KeyObject;
export declare function signFirmwareText(text: string, key?: KeyObject): string;
