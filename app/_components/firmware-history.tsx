import { useTranslations } from "next-intl";
import type { FirmwareUpdateEntry } from "@/lib/firmware/history";
import { Time } from "./time";
import { Badge, type Tone } from "./ui/badge";
import { DataTable } from "./ui/data-table";

// A device's firmware updates (docs/protocol.md section 7), on its staff and owner pages.

const STATUS_TONE: Record<string, Tone> = {
  done: "ok",
  queued: "accent",
  in_progress: "accent",
  failed: "danger",
  expired: "neutral",
};
// The statuses' words are `commandStatus.<status>`, each failure code's plain words
// `firmwareHistory.failures.<code>` (an unknown code shows as it is).

export function FirmwareHistory({ updates, empty }: { updates: FirmwareUpdateEntry[]; empty: string }) {
  const t = useTranslations("firmwareHistory");
  const tStatus = useTranslations("commandStatus");
  if (updates.length === 0) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <DataTable
      data-testid="firmware-history"
      rows={updates}
      rowKey={(u) => u.commandId}
      rowProps={(u) => ({ "data-command-id": u.commandId, "data-status": u.status })}
      columns={[
        {
          key: "versions",
          header: t("update"),
          primary: true,
          cell: (u) => (
            <span className="whitespace-nowrap">
              {u.fromVersion ?? "?"} → {u.toVersion}
            </span>
          ),
        },
        {
          key: "status",
          header: t("status"),
          nowrap: true,
          cell: (u) => (
            <Badge tone={STATUS_TONE[u.status] ?? "neutral"}>
              {tStatus.has(u.status) ? tStatus(u.status) : u.status}
            </Badge>
          ),
        },
        {
          key: "code",
          header: t("failure"),
          cell: (u) =>
            u.failureCode ? (
              <span data-testid="failure-code">
                <Badge tone={u.failureCode === "bad_signature" ? "danger" : "warn"} className="font-mono">
                  {u.failureCode}
                </Badge>
                {t.has(`failures.${u.failureCode}`) && (
                  <span className="ms-1 text-xs text-muted">{t(`failures.${u.failureCode}`)}</span>
                )}
              </span>
            ) : u.status === "in_progress" && u.progress ? (
              <span className="text-xs text-muted">{u.progress}</span>
            ) : (
              ""
            ),
        },
        { key: "issued", header: t("sent"), nowrap: true, cell: (u) => <Time value={u.issuedAt} /> },
        {
          key: "ended",
          header: t("ended"),
          nowrap: true,
          cell: (u) => (u.completedAt ? <Time value={u.completedAt} /> : ""),
        },
        { key: "reported", header: t("reported"), nowrap: true, cell: (u) => u.reportedFirmware ?? "" },
      ]}
    />
  );
}
