"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { ButtonLink, Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";

function Row({ title, text, action }: { title: string; text: string; action: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-3 px-4 py-4 sm:px-5">
      <div className="min-w-0 flex-1 basis-72">
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="mt-0.5 text-sm text-muted">{text}</p>
      </div>
      {action}
    </div>
  );
}

/**
 * Replacing the hardware, reporting it lost or stolen, releasing it: each asked in a dialog
 * (focus moves into it, Escape cancels and gives focus back). Only what fits the device's state
 * is offered: a lost device is not reported lost again.
 */
export function DangerZone({ deviceId, name, lost }: { deviceId: string; name: string; lost: boolean }) {
  const [leaving, setLeaving] = useState(false);
  const act = async (path: "lost" | "release", then: string) => {
    await api(`/api/v1/devices/${deviceId}/${path}`, { method: "POST" });
    setLeaving(true);
    window.location.assign(then);
  };
  return (
    <section aria-labelledby="danger-title" className="rounded-lg border border-danger/35 bg-surface">
      <h2 id="danger-title" className="border-b border-danger/25 px-4 py-3 text-base font-semibold sm:px-5">
        Replace, lost or stolen, release
      </h2>
      <div className="divide-y divide-line">
        <Row
          title="New hardware"
          text="The old board broke or was lost? Claim the new one as a replacement: it keeps this name and history."
          action={
            <ButtonLink href={`/claim?replaces=${deviceId}`} variant="secondary">
              Claim a replacement
            </ButtonLink>
          }
        />
        {!lost && (
          <Row
            title="Lost or stolen"
            text="Stop the board at once: it can no longer send data or be used with your account. You keep its name and history, and can claim a replacement."
            action={
              <ConfirmDialog
                trigger={<Button variant="danger-outline">Lost or stolen</Button>}
                title={`Report ${name} lost or stolen?`}
                description="Its credential is revoked now: the board cannot send data any more. Its name and history stay yours."
                confirmLabel={`Yes, ${name} is lost or stolen`}
                busyLabel="Reporting…"
                cancelLabel="Cancel"
                onConfirm={() => act("lost", `/devices/${deviceId}`)}
              />
            }
          />
        )}
        <Row
          title="Release"
          text="Giving the device to someone else? It stops sending to your account, you keep its history up to now (read-only), and they claim it with a fresh history. Its shares end."
          action={
            <ConfirmDialog
              trigger={
                <Button variant="danger-outline" disabled={leaving}>
                  Release this device
                </Button>
              }
              title={`Release ${name}?`}
              description="It stops sending to your account and its shares end. Its history up to now stays here, read-only."
              confirmLabel={`Yes, release ${name}`}
              busyLabel="Releasing…"
              cancelLabel="Keep it"
              onConfirm={() => act("release", "/devices")}
            />
          }
        />
      </div>
    </section>
  );
}
