"use client";

import { useTranslations } from "next-intl";
import { api } from "../../../_components/api";
import { Time } from "../../../_components/time";
import { useAction } from "../../../_components/use-action";
import { Button } from "../../../_components/ui/button";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { Field, Select } from "../../../_components/ui/field";
import { useStudyRefusal } from "../refusal";
import type { StudyStatus } from "../study-text";
import { Status } from "./section-status";

/** The status changes the study may make next, each confirmed. */
export function StatusActions({ studyId, next }: { studyId: string; next: StudyStatus[] }) {
  const t = useTranslations("staffStudies");
  const refusal = useStudyRefusal("status");
  const { busy, message, run } = useAction();
  if (next.length === 0) return <p className="text-sm text-muted">{t("statusActions.noMore")}</p>;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {next.map((status) => (
        <ConfirmDialog
          key={status}
          trigger={
            <Button
              variant={status === "ended" || status === "archived" ? "danger-outline" : "secondary"}
              disabled={busy}
            >
              {t(`statusActions.${status}`)}
            </Button>
          }
          title={t("statusActions.confirmTitle", { action: t(`statusActions.${status}`) })}
          description={
            status === "recruiting" || status === "running"
              ? t("statusActions.openText")
              : status === "ended"
                ? t("statusActions.endText")
                : t("statusActions.archiveText")
          }
          confirmLabel={t(`statusActions.${status}`)}
          cancelLabel={t("statusActions.cancel")}
          onConfirm={() =>
            run(async () => {
              await api(`/api/v1/staff/studies/${studyId}/status`, { method: "POST", body: { status } }).catch((e) => {
                throw refusal(e);
              });
              return t("statusActions.done", { status: t(`status.${status}`) });
            })
          }
        />
      ))}
      <Status message={message} testId="status-message" />
    </div>
  );
}

/** Researchers with access, and granting a researcher account access. */
export function ResearchersEditor({
  studyId,
  researchers,
  choices,
}: {
  studyId: string;
  researchers: { userId: string; email: string; name: string; grantedAt: string | Date }[];
  choices: { id: string; email: string; name: string }[];
}) {
  const t = useTranslations("staffStudies.researchers");
  const refusal = useStudyRefusal("researchers");
  const { busy, message, run } = useAction();
  const granted = new Set(researchers.map((r) => r.userId));
  const open = choices.filter((c) => !granted.has(c.id));
  return (
    <div className="space-y-4">
      {researchers.length === 0 ? (
        <p className="text-sm text-muted">{t("none")}</p>
      ) : (
        <ul className="space-y-2" data-testid="researchers">
          {researchers.map((r) => (
            <li
              key={r.userId}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <div className="min-w-0 text-sm">
                <p className="font-medium break-words">{r.name}</p>
                <p className="text-xs break-all text-muted">
                  {t.rich("since", { email: r.email, time: () => <Time value={r.grantedAt} /> })}
                </p>
              </div>
              <Button
                variant="danger-outline"
                size="sm"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api(`/api/v1/staff/studies/${studyId}/researchers/${r.userId}`, { method: "DELETE" }).catch(
                      (e) => {
                        throw refusal(e);
                      },
                    );
                    return t("ended", { name: r.name });
                  })
                }
              >
                {t("end")}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {open.length === 0 ? (
        <p className="text-sm text-muted">{t("howToAdd")}</p>
      ) : (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const userId = String(new FormData(e.currentTarget).get("researcher"));
            void run(async () => {
              await api(`/api/v1/staff/studies/${studyId}/researchers`, { method: "POST", body: { userId } }).catch(
                (e) => {
                  throw refusal(e);
                },
              );
              return t("granted");
            });
          }}
        >
          <Field id="researcher" label={t("account")}>
            <Select id="researcher" name="researcher">
              {open.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.email})
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("grant")}
          </Button>
        </form>
      )}
      <Status message={message} testId="researchers-message" />
    </div>
  );
}
