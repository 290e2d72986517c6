import type { Metadata } from "next";
import Link from "next/link";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { firmwareForStaff } from "@/lib/firmware/api";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { ButtonLink } from "../../_components/ui/button";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { UploadForm, YankButton } from "./firmware-forms";

export const metadata: Metadata = { title: "Firmware" };

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

export default async function FirmwarePage() {
  const me = await requireStaffPage("/staff/firmware");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { keys, maxBytes, models } = await firmwareForStaff();
  const withImages = models.filter((m) => m.images.length > 0);
  return (
    <Main width="console">
      <PageHeader
        title="Firmware"
        description="Images signed offline by a firmware key. Devices install only what a key pinned in their firmware signed."
        actions={
          <ButtonLink href="/staff/firmware/rollouts" variant="secondary">
            Rollouts
          </ButtonLink>
        }
      />
      <div className="space-y-8">
        {keys.length === 0 ? (
          <Notice tone="warn" title="No firmware keys configured" data-testid="firmware-no-keys">
            <p>
              Set <code>CLAIMLINK_FIRMWARE_KEYS</code> to the public firmware keys (made offline with{" "}
              <code>npm run cli -- firmware keygen</code>); until then every upload is refused.
            </p>
          </Notice>
        ) : (
          <p className="text-sm text-muted">
            Uploads must verify under {keys.length === 1 ? "the firmware key" : "one of the firmware keys"}{" "}
            {keys.map((k, i) => (
              <span key={k.kid}>
                {i > 0 && ", "}
                <code>{k.kid}</code>
              </span>
            ))}{" "}
            (<Link href="/staff/keys">keys</Link>).
          </p>
        )}

        {canChange && (
          <Panel title="Upload an image">
            {models.length === 0 ? (
              <p className="text-sm text-muted">
                Register the device model first (<Link href="/staff/models">Models</Link>).
              </p>
            ) : (
              <UploadForm models={models.map(({ model, displayName }) => ({ model, displayName }))} maxBytes={maxBytes} />
            )}
          </Panel>
        )}

        {withImages.length === 0 ? (
          <EmptyState title="No firmware images yet" data-testid="firmware-empty">
            Images appear here per model once uploaded, with their version, size and hash.
          </EmptyState>
        ) : (
          withImages.map((m) => (
            <section key={m.model} aria-labelledby={`fw-${m.model}`} className="space-y-3" data-model={m.model}>
              <h2 id={`fw-${m.model}`} className="text-lg font-semibold">
                {m.displayName} <span className="font-mono text-sm font-normal text-muted">{m.model}</span>
              </h2>
              <DataTable
                data-testid="firmware-images"
                caption={`Firmware images of ${m.displayName}`}
                rows={m.images}
                rowKey={(i) => i.sha256}
                rowProps={(i) => ({ "data-version": i.version, "data-sha256": i.sha256 })}
                actionsHeader="Actions"
                actions={
                  canChange
                    ? (i) => (i.yankedAt ? null : <YankButton sha256={i.sha256} label={`${m.model} ${i.version}`} />)
                    : undefined
                }
                columns={[
                  {
                    key: "version",
                    header: "Version",
                    primary: true,
                    cell: (i) => (
                      <div className="min-w-0">
                        <span className="block font-mono">{i.version}</span>
                        {i.notes && <Truncate value={i.notes} className="text-xs font-normal text-muted" />}
                      </div>
                    ),
                  },
                  { key: "size", header: "Size", nowrap: true, cell: (i) => size(i.size) },
                  {
                    key: "sha256",
                    header: "SHA-256",
                    nowrap: true,
                    cell: (i) => <code title={i.sha256}>{i.sha256.slice(0, 12)}…</code>,
                  },
                  { key: "kid", header: "Key", nowrap: true, cell: (i) => <code>{i.kid}</code> },
                  { key: "uploaded", header: "Uploaded", nowrap: true, cell: (i) => <Time value={i.uploadedAt} /> },
                  {
                    key: "status",
                    header: "Status",
                    nowrap: true,
                    cell: (i) =>
                      i.yankedAt ? (
                        <span className="flex flex-col items-start gap-1">
                          <Badge tone="danger">yanked</Badge>
                          <span className="text-xs text-muted">
                            <Time value={i.yankedAt} />
                          </span>
                        </span>
                      ) : (
                        <Badge tone="ok">usable</Badge>
                      ),
                  },
                ]}
              />
            </section>
          ))
        )}
      </div>
    </Main>
  );
}
