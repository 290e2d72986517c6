import { deviceMeRequest } from "@/lib/provisioning/api";

export const dynamic = "force-dynamic";

export const GET = (req: Request) => deviceMeRequest(req);
