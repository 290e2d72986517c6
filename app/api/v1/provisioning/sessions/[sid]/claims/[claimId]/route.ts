import { otherMethods } from "@/lib/http/device-route";
import { answerChallengeRoute } from "@/lib/http/direct-routes";

// scripts/start.mjs answers this POST itself (lib/http/direct-routes.ts); Next serves it too.
export const POST = answerChallengeRoute;

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
