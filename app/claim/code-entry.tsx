"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { parseScannedCode, parseTypedCode, type ClaimCode } from "@/lib/provisioning/claim-code";
import { Button } from "../_components/ui/button";
import { Field, Input } from "../_components/ui/field";
import { decodeImage } from "./scanner";

/** After a moment without an answer, a device with a button is probably asking for it. */
export function WaitingHint({ since }: { since: number }) {
  const t = useTranslations("claim");
  const [show, setShow] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShow(true), Math.max(0, 1500 - (Date.now() - since)));
    return () => clearTimeout(t);
  }, [since]);
  return show ? (
    <p className="rounded-md bg-accent-soft px-3 py-2 text-sm" data-testid="press-button">
      {t("pressButton")}
    </p>
  ) : null;
}

/** What a code looks like (not words: the same in every language). */
const CODE_SHAPE = "MFRG GZDF … . W53B 7GLA …";

const SUMMARY =
  "flex min-h-10 cursor-pointer list-none items-center gap-2 text-sm font-medium text-accent-text [&::-webkit-details-marker]:hidden " +
  "before:text-muted before:transition-transform before:content-['▸'] [[open]>&]:before:rotate-90";

/**
 * Typing the code under the QR, or choosing a photo of it. Typing is open from the start where
 * there is no camera to scan with (`typingFirst`): then it is the way in, not an alternative.
 */
export function CodeEntry({
  onCode,
  onNotice,
  typingFirst = false,
}: {
  onCode: (c: ClaimCode) => void;
  onNotice: (n: string | null) => void;
  typingFirst?: boolean;
}) {
  const t = useTranslations("claim");
  const [typedError, setTypedError] = useState<string | null>(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  return (
    <>
      <details className="border-t border-line py-2" open={typingFirst || undefined}>
        <summary className={SUMMARY}>{t("typeInstead")}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const text = String(new FormData(e.currentTarget).get("code") ?? "");
            const code = parseTypedCode(text);
            setTypedError(code ? null : t("typedInvalid"));
            if (code) onCode(code);
          }}
        >
          <Field id="claim-code" label={t("codeLabel")} className="mt-2">
            <Input
              id="claim-code"
              name="code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              placeholder={CODE_SHAPE}
              className="font-mono"
            />
          </Field>
          {typedError && (
            <p role="alert" className="mt-2 text-sm text-danger-text" data-testid="typed-error">
              {typedError}
            </p>
          )}
          <div className="mt-3">
            <Button type="submit">{t("claimSubmit")}</Button>
          </div>
        </form>
      </details>
      <details className="border-t border-line py-2">
        <summary className={SUMMARY}>{t("usePhoto")}</summary>
        <Field id="claim-photo" label={t("photo")} className="mt-2">
          <Input
            id="claim-photo"
            type="file"
            accept="image/*"
            disabled={photoBusy}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setPhotoBusy(true);
              onNotice(null);
              try {
                const bitmap = await createImageBitmap(file);
                const text = await decodeImage(bitmap, bitmap.width, bitmap.height, document.createElement("canvas"));
                if (!text) onNotice(t("photoNoCode"));
                else {
                  const r = parseScannedCode(text, window.location.origin);
                  if (r.ok) onCode(r.code);
                  else
                    onNotice(r.reason === "other_server" ? t("photoOtherServer", { host: r.host }) : t("photoNotOurs"));
                }
              } catch {
                onNotice(t("photoUnreadable"));
              } finally {
                setPhotoBusy(false);
                e.target.value = "";
              }
            }}
          />
        </Field>
        <p className="mt-1 text-xs text-muted">{t("photoFresh")}</p>
      </details>
    </>
  );
}
