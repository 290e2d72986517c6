"use client";

import { useRef } from "react";
import { ApiError } from "../../_components/api";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { Field, Input, Select, Textarea } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";

/** Sends the form as multipart (the image is a file); a refusal's detail becomes the message shown. */
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

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

export function UploadForm({ models, maxBytes }: { models: { model: string; displayName: string }[]; maxBytes: number }) {
  const { busy, message, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  function submit(form: FormData) {
    void run(async () => {
      const file = form.get("image");
      if (file instanceof File && file.size > maxBytes)
        throw new Error(`Firmware image too large: ${file.name} is ${MiB(file.size)}; this server takes at most ${MiB(maxBytes)}.`);
      const stored = await sendForm("/api/v1/staff/firmware", form);
      formRef.current?.reset();
      return `Uploaded ${stored.model} ${stored.version}, SHA-256 ${stored.sha256}.`;
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
        <Field id="fw-model" label="Model">
          <Select id="fw-model" name="model" required defaultValue="">
            <option value="" disabled>
              Choose a model
            </option>
            {models.map((m) => (
              <option key={m.model} value={m.model}>
                {m.displayName} ({m.model})
              </option>
            ))}
          </Select>
        </Field>
        <Field id="fw-version" label="Version" hint="MAJOR.MINOR.PATCH, optionally -pre-release, e.g. 1.5.0 or 2.0.0-rc.1">
          <Input id="fw-version" name="version" required maxLength={64} autoComplete="off" aria-describedby="fw-version-hint" />
        </Field>
        <Field id="fw-image" label="Image file" hint={`At most ${MiB(maxBytes)}.`}>
          <Input id="fw-image" name="image" type="file" required aria-describedby="fw-image-hint" />
        </Field>
        <Field
          id="fw-sig"
          label="Signature"
          hint={
            <>
              What <code>npm run cli -- firmware sign</code> printed on the key holder&apos;s machine (base64url, 86
              characters).
            </>
          }
        >
          <Input id="fw-sig" name="sig" required maxLength={200} autoComplete="off" spellCheck={false} aria-describedby="fw-sig-hint" />
        </Field>
        <Field id="fw-notes" label="Release notes" className="sm:col-span-2">
          <Textarea id="fw-notes" name="notes" rows={4} maxLength={20000} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? "Uploading…" : "Upload image"}
        </Button>
        <StatusMessage message={message} testId="firmware-message" className="min-w-0 basis-full break-words" />
      </div>
    </form>
  );
}

export function YankButton({ sha256, label }: { sha256: string; label: string }) {
  const { busy, message, run } = useAction();
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="danger-outline" size="sm" disabled={busy} aria-label={`Yank ${label}`}>
            Yank
          </Button>
        }
        title={`Yank ${label}?`}
        description="No new update or rollout may use it from now on. Devices already told to fetch it still can. This cannot be undone: to ship the fix, upload a new version."
        confirmLabel={`Yank ${label}`}
        cancelLabel="Cancel"
        onConfirm={() =>
          run(async () => {
            const res = await fetch(`/api/v1/staff/firmware/${sha256}/yank`, {
              method: "POST",
              credentials: "same-origin",
              cache: "no-store",
            });
            if (!res.ok) {
              const p = (await res.json().catch(() => ({}))) as { detail?: string };
              throw new Error(p.detail ?? `The request failed (HTTP ${res.status}).`);
            }
          })
        }
      />
      <StatusMessage message={message} />
    </>
  );
}
