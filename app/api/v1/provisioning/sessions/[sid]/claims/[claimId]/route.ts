import { otherMethods, provisioningRoute } from "@/lib/http/device-route";
import { answerChallengeRequest } from "@/lib/provisioning/api";

export const POST = provisioningRoute(answerChallengeRequest, { refusals: "claim.answer_refused" });

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
