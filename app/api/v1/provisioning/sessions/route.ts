import { otherMethods, deviceRoute, provisioningRoute, signedOrUnsigned } from "@/lib/http/device-route";
import { startSignedSession, startUnsignedSession } from "@/lib/provisioning/api";

// A device without a credential starts a session unsigned; one that holds a credential signs
// the start, and the session is bound to it (docs/protocol.md section 5).
export const POST = signedOrUnsigned(
  deviceRoute(startSignedSession, { refusals: "session.start_refused" }),
  provisioningRoute(startUnsignedSession, { refusals: "session.start_refused" }),
);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
