"use client";

import { useRef } from "react";
import { useLocale, useTranslations } from "next-intl";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { ApiError } from "../../_components/api";
import { useStaffAction } from "../../_components/staff-refusal";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { Field, Input, Select, Textarea } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";

/** Sends the form as multipart (the image is a file); a refusal becomes an ApiError with the server's title and detail. */
async function sendForm(path: string, form: FormData): Promise<{ sha256: string; model: string; version: string }> {
  let res: Response;
  try {
    res = await fetch(path, { method: "POST", body: form, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; title?: string };
    throw new ApiError(res.status, p.code ?? "error", `${p.title ?? "Refused"}: ${p.detail ?? `HTTP ${res.status}`}`);
  }
  return data;
}

/** "2 MiB", "1.5 MiB", in the reader's number format. */
function useMiB() {
  const locale = useLocale();
  const tag = intlLocale(isLocale(locale) ? locale : "en");
  return (n: number) => {
    const digits = n % (1024 * 1024) ? 1 : 0;
    const format = new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return `${format.format(n / 1024 / 1024)} MiB`;
  };
}

export function UploadForm({ models, maxBytes }: { models: { model: string; displayName: string }[]; maxBytes: number }) {
  const t = useTranslations("staffFirmware.upload");
  const MiB = useMiB();
  const { busy, message, run } = useStaffAction();
  const formRef = useRef<HTMLFormElement>(null);
  function submit(form: FormData) {
    void run(async () => {
      const file = form.get("image");
      if (file instanceof File && file.size > maxBytes)
        throw new Error(t("tooLarge", { name: file.name, size: MiB(file.size), max: MiB(maxBytes) }));
      const stored = await sendForm("/api/v1/staff/firmware", form);
      formRef.current?.reset();
      return t("uploaded", { model: stored.model, version: stored.version, sha256: stored.sha256 });
    });
  }
  return (
    <form
      ref={formRef}
      className="space-y-4"
      data-testid="firmware-upload"
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="fw-model" label={t("model")}>
          <Select id="fw-model" name="model" required defaultValue="">
            <option value="" disabled>
              {t("chooseModel")}
            </option>
            {models.map((m) => (
              <option key={m.model} value={m.model}>
                {m.displayName} ({m.model})
              </option>
            ))}
          </Select>
        </Field>
        <Field id="fw-version" label={t("version")} hint={t("versionHint")}>
          <Input id="fw-version" name="version" required maxLength={64} autoComplete="off" aria-describedby="fw-version-hint" />
        </Field>
        <Field id="fw-image" label={t("file")} hint={t("fileHint", { max: MiB(maxBytes) })}>
          <Input id="fw-image" name="image" type="file" required aria-describedby="fw-image-hint" />
        </Field>
        <Field
          id="fw-sig"
          label={t("signature")}
          hint={t.rich("signatureHint", { code: (c) => <code>{c}</code> })}
        >
          <Input id="fw-sig" name="sig" required maxLength={200} autoComplete="off" spellCheck={false} aria-describedby="fw-sig-hint" />
        </Field>
        <Field id="fw-notes" label={t("notes")} className="sm:col-span-2">
          <Textarea id="fw-notes" name="notes" rows={4} maxLength={20000} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? t("uploading") : t("upload")}
        </Button>
        <StatusMessage message={message} testId="firmware-message" className="min-w-0 basis-full break-words" />
      </div>
    </form>
  );
}

export function YankButton({ sha256, label }: { sha256: string; label: string }) {
  const t = useTranslations("staffFirmware.yank");
  const { busy, message, run } = useStaffAction();
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="danger-outline" size="sm" disabled={busy} aria-label={t("label", { label })}>
            {t("button")}
          </Button>
        }
        title={t("title", { label })}
        description={t("description")}
        confirmLabel={t("label", { label })}
        cancelLabel={t("cancel")}
        onConfirm={() =>
          run(async () => {
            const res = await fetch(`/api/v1/staff/firmware/${sha256}/yank`, {
              method: "POST",
              credentials: "same-origin",
              cache: "no-store",
            });
            if (!res.ok) {
              const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
              throw new ApiError(res.status, p.code ?? "error", p.detail ?? t("failed", { status: res.status }));
            }
          })
        }
      />
      <StatusMessage message={message} />
    </>
  );
}
