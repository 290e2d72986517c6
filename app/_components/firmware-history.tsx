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
const STATUS_LABEL: Record<string, string> = {
  done: "done",
  queued: "queued",
  in_progress: "in progress",
  failed: "failed",
  expired: "expired",
};

/** What each failure code means, in plain words. */
export const FAILURE_TEXT: Record<string, string> = {
  wrong_model: "the image is for another model",
  bad_signature: "no firmware key the device trusts signed it",
  downgrade: "not newer than the running version",
  too_large: "does not fit the update partition",
  hash_mismatch: "the downloaded bytes were not the signed image",
  download_failed: "the download did not complete",
  rolled_back: "the new version did not start; the old one runs",
  expired: "the device did not take it in time",
};

export function FirmwareHistory({ updates, empty }: { updates: FirmwareUpdateEntry[]; empty: string }) {
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
          header: "Update",
          primary: true,
          cell: (u) => (
            <span className="whitespace-nowrap">
              {u.fromVersion ?? "?"} → {u.toVersion}
            </span>
          ),
        },
        {
          key: "status",
          header: "Status",
          nowrap: true,
          cell: (u) => <Badge tone={STATUS_TONE[u.status] ?? "neutral"}>{STATUS_LABEL[u.status] ?? u.status}</Badge>,
        },
        {
          key: "code",
          header: "Failure",
          cell: (u) =>
            u.failureCode ? (
              <span data-testid="failure-code">
                <Badge tone={u.failureCode === "bad_signature" ? "danger" : "warn"} className="font-mono">
                  {u.failureCode}
                </Badge>
                {FAILURE_TEXT[u.failureCode] && (
                  <span className="ms-1 text-xs text-muted">{FAILURE_TEXT[u.failureCode]}</span>
                )}
              </span>
            ) : u.status === "in_progress" && u.progress ? (
              <span className="text-xs text-muted">{u.progress}</span>
            ) : (
              ""
            ),
        },
        { key: "issued", header: "Sent", nowrap: true, cell: (u) => <Time value={u.issuedAt} /> },
        {
          key: "ended",
          header: "Ended",
          nowrap: true,
          cell: (u) => (u.completedAt ? <Time value={u.completedAt} /> : ""),
        },
        { key: "reported", header: "Reported running", nowrap: true, cell: (u) => u.reportedFirmware ?? "" },
      ]}
    />
  );
}
