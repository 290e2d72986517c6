import { confirmMyTwoFactor, disableMyTwoFactor, myTwoFactorStatus } from "@/lib/accounts/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

// Open to a staff account that must still enrol (`enrolment`): it is how it gets out.
export const GET = userRoute(async ({ user }) => json(await myTwoFactorStatus(user)), { enrolment: true });

/** Confirms the enrolment with the first code; answers the recovery codes, shown once. */
export const POST = userRoute(
  async ({ req, user, actor }) => json(await confirmMyTwoFactor(actor, user, await readJson(req, SMALL_BODY_BYTES))),
  { enrolment: true, refusals: "two_factor.refused" },
);

/** Switches two-factor off with a current code. */
export const DELETE = userRoute(
  async ({ req, user, actor }) => {
    await disableMyTwoFactor(actor, user, await readJson(req, SMALL_BODY_BYTES));
    return json({ on: false });
  },
  { refusals: "two_factor.refused" },
);

export const { PUT, PATCH } = methodsNotAllowed("GET", "POST", "DELETE");
