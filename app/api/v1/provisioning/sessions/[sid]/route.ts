import { otherMethods, provisioningRoute } from "@/lib/http/device-route";
import { pollSessionRequest } from "@/lib/provisioning/api";

export const dynamic = "force-dynamic";

export const GET = provisioningRoute(pollSessionRequest, { refusals: "session.poll_refused" });

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
