import { startMyTwoFactor } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** Starts enrolment: a new secret, its otpauth:// URI and the URI's QR code. */
export const POST = userRoute(async ({ user }) => json(await startMyTwoFactor(user), 201), { enrolment: true });

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
