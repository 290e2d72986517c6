import { checkHealth } from "@/lib/health";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
