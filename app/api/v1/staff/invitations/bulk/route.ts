import { bulkInviteAccounts } from "@/lib/accounts/api";
import { MAX_BULK_CSV_BYTES } from "@/lib/accounts/bulk-invitations";
import { json, readJson, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ req, actor }) => json(await bulkInviteAccounts(actor, await readJson(req, 2 * MAX_BULK_CSV_BYTES)), 201),
  { staff: true, refusals: "invitation.bulk_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
