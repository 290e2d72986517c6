import type { IncomingMessage, ServerResponse } from "node:http";

export type BodyRefusal = { status: number; code: string; title: string; detail: string };
export declare const MAX_REQUEST_BODY_BYTES: number;
export declare function capRequestBody(req: IncomingMessage, res: ServerResponse): boolean;
export declare function refuseBody(res: ServerResponse, refusal: BodyRefusal, opts?: { close?: boolean }): void;
