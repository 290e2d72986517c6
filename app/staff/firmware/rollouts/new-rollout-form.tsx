"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { api } from "../../../_components/api";
import { Button } from "../../../_components/ui/button";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { Field, Input, Select } from "../../../_components/ui/field";
import { useStaffRefusal } from "../../../_components/staff-refusal";

type Image = { sha256: string; model: string; version: string };
type Study = { id: string; name: string };
/** The fleet console's selection this form was opened from: its filters and the count it showed. */
export type Selection = { filter: Record<string, string>; count: number };

const DEFAULT_STAGES = "1:60, 10:240, 50:1440, 100:0";

/** "1:60, 10:240, 100:0" (percent:soak minutes) into stages; null when it does not read as such. */
function parseStages(text: string) {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  const stages = parts.map((p) => /^(\d{1,3})\s*%?\s*:\s*(\d{1,6})$/.exec(p));
  if (stages.length === 0 || stages.some((m) => !m)) return null;
  return stages.map((m) => ({ percent: Number(m![1]), soakMinutes: Number(m![2]) }));
}

/**
 * A new rollout: the image, the target (the model's devices, optionally of one study or one
 * running firmware, or the fleet selection it was opened from), stages, threshold and expiry.
 * Starting asks for confirmation first; the server's refusal is shown in the dialog.
 */
export function NewRolloutForm({ images, studies, selection }: { images: Image[]; studies: Study[]; selection: Selection | null }) {
  const router = useRouter();
  const t = useTranslations("staffRollouts.form");
  const refusal = useStaffRefusal();
  const [sha256, setSha256] = useState(images[0]?.sha256 ?? "");
  const [studyId, setStudyId] = useState("");
  const [firmware, setFirmware] = useState("");
  const [stages, setStages] = useState(DEFAULT_STAGES);
  const [failurePercent, setFailurePercent] = useState("5");
  const [failureCount, setFailureCount] = useState("3");
  const [expiryHours, setExpiryHours] = useState("168");
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const image = images.find((i) => i.sha256 === sha256);
  const parsedStages = parseStages(stages);

  const target = selection
    ? { kind: "selection", filter: selection.filter, expectedCount: selection.count }
    : { kind: "model", ...(studyId ? { studyId } : {}), ...(firmware.trim() ? { firmware: firmware.trim() } : {}) };

  const review = () => {
    setError(null);
    if (!image) return setError(t("chooseImage"));
    if (!parsedStages) return setError(t("stagesInvalid"));
    setOpen(true);
  };

  if (images.length === 0)
    return <p className="text-sm text-muted">{t("noImages")}</p>;

  return (
    <form
      className="grid gap-3 sm:grid-cols-2"
      aria-label={t("label")}
      onSubmit={(e) => {
        e.preventDefault();
        review();
      }}
    >
      <Field id="rollout-image" label={t("image")} className="sm:col-span-2">
        <Select id="rollout-image" value={sha256} onChange={(e) => setSha256(e.target.value)}>
          {images.map((i) => (
            <option key={i.sha256} value={i.sha256}>
              {i.model} {i.version} ({i.sha256.slice(0, 12)})
            </option>
          ))}
        </Select>
      </Field>
      {selection ? (
        <p className="text-sm sm:col-span-2" data-testid="rollout-selection">
          {t.rich("selection", {
            count: selection.count,
            filter: Object.entries(selection.filter).map(([k, v]) => `${k} ${v}`).join(", ") || t("noFilter"),
            strong: (c) => <strong>{c}</strong>,
          })}
        </p>
      ) : (
        <>
          <Field id="rollout-study" label={t("study")}>
            <Select id="rollout-study" value={studyId} onChange={(e) => setStudyId(e.target.value)}>
              <option value="">{t("anyStudy")}</option>
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="rollout-firmware" label={t("firmware")} hint={t("firmwareHint")}>
            <Input id="rollout-firmware" value={firmware} maxLength={64} onChange={(e) => setFirmware(e.target.value)} />
          </Field>
        </>
      )}
      <Field
        id="rollout-stages"
        label={t("stages")}
        hint={t("stagesHint")}
        className="sm:col-span-2"
      >
        <Input id="rollout-stages" value={stages} maxLength={200} onChange={(e) => setStages(e.target.value)} />
      </Field>
      <Field id="rollout-failure-percent" label={t("failurePercent")}>
        <Input id="rollout-failure-percent" type="number" min={1} max={100} value={failurePercent} onChange={(e) => setFailurePercent(e.target.value)} />
      </Field>
      <Field id="rollout-failure-count" label={t("failureCount")}>
        <Input id="rollout-failure-count" type="number" min={1} max={5000} value={failureCount} onChange={(e) => setFailureCount(e.target.value)} />
      </Field>
      <Field id="rollout-expiry" label={t("expiry")}>
        <Input id="rollout-expiry" type="number" min={1} max={720} value={expiryHours} onChange={(e) => setExpiryHours(e.target.value)} />
      </Field>
      <div className="flex items-end">
        <Button type="submit">{t("review")}</Button>
      </div>
      <div role="status" className="sm:col-span-2">
        {error && <p className="text-sm text-danger-text">{error}</p>}
      </div>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        tone="primary"
        title={t("confirmTitle", { model: image?.model ?? "", version: image?.version ?? "" })}
        description={
          parsedStages
            ? t("confirmText", {
                stages: parsedStages.map((s) => `${s.percent} %`).join(", "),
                percent: failurePercent,
                count: failureCount,
              })
            : ""
        }
        confirmLabel={t("start")}
        busyLabel={t("starting")}
        cancelLabel={t("cancel")}
        onConfirm={async () => {
          const r = await api<{ id: string }>("/api/v1/staff/firmware/rollouts", {
            method: "POST",
            body: {
              sha256,
              target,
              stages: parsedStages,
              failureThreshold: { percent: Number(failurePercent), count: Number(failureCount) },
              expiryHours: Number(expiryHours),
            },
          }).catch((err: unknown) => {
            throw refusal(err);
          });
          router.push(`/staff/firmware/rollouts/${r.id}`);
        }}
      />
    </form>
  );
}
