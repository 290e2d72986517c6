import type { IncomingMessage, ServerResponse } from "node:http";

export type BodyRefusal = { status: 411 | 413; code: string; title: string; detail: string };
export declare const MAX_REQUEST_BODY_BYTES: number;
export declare function bodyRefusal(req: Pick<IncomingMessage, "headers">, api: boolean): BodyRefusal | null;
export declare function refuseBody(res: ServerResponse, refusal: BodyRefusal): void;
