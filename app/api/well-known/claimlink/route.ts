import { env } from "@/lib/env";
import { provisioningConfig } from "@/lib/provisioning/config";
import { serverDocument } from "@/lib/provisioning/published-keys";
import { methodsNotAllowed } from "@/lib/http/methods";

// GET /.well-known/claimlink (rewritten here by next.config.mjs): the protocol version, the
// claim URL and the server's public keys, for firmware authors to pin (docs/protocol.md section 6),
// and the firmware keys images must be signed by (section 7).
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(serverDocument(provisioningConfig(), env().firmwareKeys), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
