import { Badge, type Tone } from "./ui/badge";

const STATUS: Record<string, [string, Tone]> = {
  online: ["Online", "ok"],
  offline: ["Offline", "neutral"],
  revoked: ["Revoked", "danger"],
  lost: ["Lost or stolen", "danger"],
  released: ["Released", "neutral"],
  legacy: ["Legacy node", "warn"],
};

export type DeviceStatus = "online" | "offline" | "revoked" | "lost" | "released" | "legacy";

export function StatusBadge({ status }: { status: DeviceStatus }) {
  const [text, tone] = STATUS[status] ?? [status, "neutral"];
  return (
    <Badge tone={tone} dot data-testid="device-status">
      {text}
    </Badge>
  );
}
