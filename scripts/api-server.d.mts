import type { IncomingMessage, ServerResponse } from "node:http";

export declare const API_PREFIX: string;
export declare function isApiPath(url: string | undefined): boolean;
export declare function answerApi(
  handle: (req: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void>;
