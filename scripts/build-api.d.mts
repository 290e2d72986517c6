export declare const API_BUNDLE: string;
export declare function buildApi(root: string): Promise<void>;
