import { searchAccounts } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";

export const GET = userRoute(async ({ req }) => json(await searchAccounts(new URL(req.url).searchParams)), { staff: true });
