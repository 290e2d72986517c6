import { otherMethods } from "@/lib/http/device-route";
import { pollSessionRoute } from "@/lib/http/direct-routes";

export const dynamic = "force-dynamic";

// scripts/start.mjs answers this GET itself (lib/http/direct-routes.ts); Next serves it too.
export const GET = pollSessionRoute;

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
