import { commandAckRequest } from "@/lib/provisioning/api";

export const POST = async (req: Request, ctx: { params: Promise<Record<string, string>> }) => commandAckRequest(req, await ctx.params);
