"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../_components/api";
import { ButtonLink, Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { useRefusals } from "./refusals";

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
  const t = useTranslations("device.danger");
  const guard = useRefusals();
  const [leaving, setLeaving] = useState(false);
  const act = (path: "lost" | "release", then: string) =>
    guard(path, async () => {
      await api(`/api/v1/devices/${deviceId}/${path}`, { method: "POST" });
      setLeaving(true);
      window.location.assign(then);
    })();
  return (
    <section aria-labelledby="danger-title" className="rounded-lg border border-danger/35 bg-surface">
      <h2 id="danger-title" className="border-b border-danger/25 px-4 py-3 text-base font-semibold sm:px-5">
        {t("title")}
      </h2>
      <div className="divide-y divide-line">
        <Row
          title={t("replaceTitle")}
          text={t("replaceText")}
          action={
            <ButtonLink href={`/claim?replaces=${deviceId}`} variant="secondary">
              {t("replaceButton")}
            </ButtonLink>
          }
        />
        {!lost && (
          <Row
            title={t("lostTitle")}
            text={t("lostText")}
            action={
              <ConfirmDialog
                trigger={<Button variant="danger-outline">{t("lostButton")}</Button>}
                title={t("lostConfirmTitle", { name })}
                description={t("lostConfirmText")}
                confirmLabel={t("lostConfirm", { name })}
                busyLabel={t("lostBusy")}
                cancelLabel={t("cancel")}
                onConfirm={() => act("lost", `/devices/${deviceId}`)}
              />
            }
          />
        )}
        <Row
          title={t("releaseTitle")}
          text={t("releaseText")}
          action={
            <ConfirmDialog
              trigger={
                <Button variant="danger-outline" disabled={leaving}>
                  {t("releaseButton")}
                </Button>
              }
              title={t("releaseConfirmTitle", { name })}
              description={t("releaseConfirmText")}
              confirmLabel={t("releaseConfirm", { name })}
              busyLabel={t("releaseBusy")}
              cancelLabel={t("keep")}
              onConfirm={() => act("release", "/devices")}
            />
          }
        />
      </div>
    </section>
  );
}
