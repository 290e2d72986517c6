export declare const TEST_KEYS: { AUTH_SECRET: string; CLAIMLINK_SECRET_KEY: string; CLAIMLINK_SIGNING_KEYS: string };
export declare function withTestKeys<T extends Record<string, string | undefined>>(env: T): T & typeof TEST_KEYS;
