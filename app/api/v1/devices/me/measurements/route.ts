import { measurementsRequest } from "@/lib/provisioning/api";

export const POST = (req: Request) => measurementsRequest(req);
