import { issuePasswordReset } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** A password-reset link for the account: mailed when mail is configured, else answered once. */
export const POST = userRoute(async ({ actor, params }) => json(await issuePasswordReset(actor, params.userId), 201), {
  staff: true,
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
