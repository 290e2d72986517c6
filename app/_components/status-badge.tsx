import { useTranslations } from "next-intl";
import { Badge, type Tone } from "./ui/badge";

const TONE: Record<string, Tone> = {
  online: "ok",
  offline: "neutral",
  revoked: "danger",
  lost: "danger",
  released: "neutral",
  legacy: "warn",
};

export type DeviceStatus = "online" | "offline" | "revoked" | "lost" | "released" | "legacy";

export function StatusBadge({ status }: { status: DeviceStatus }) {
  const t = useTranslations("deviceStatus");
  const tone = TONE[status] ?? "neutral";
  const text = t.has(status) ? t(status) : status;
  return (
    <Badge tone={tone} dot data-testid="device-status">
      {text}
    </Badge>
  );
}
