import { after } from "next/server";
import { requestPasswordResetByMail } from "@/lib/accounts/api";
import { apiRoute, json, readJson, SMALL_BODY_BYTES } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** "Forgot password?": the same answer for every email; the work behind it runs after answering. */
export const POST = apiRoute(
  async ({ req, ip }) =>
    json(
      await requestPasswordResetByMail(await readJson(req, SMALL_BODY_BYTES), ip, (task) =>
        after(() => task().catch((err) => console.error("[password reset] request failed:", err))),
      ),
      202,
    ),
  { refusals: "password_reset.request_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
