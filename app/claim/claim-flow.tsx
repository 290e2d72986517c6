"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { parseScannedCode, parseTypedCode, type ClaimCode } from "@/lib/provisioning/claim-code";
import { api, ApiError } from "../_components/api";
import { Button, ButtonLink } from "../_components/ui/button";
import { Card } from "../_components/ui/card";
import { Field, Select } from "../_components/ui/field";
import { Notice } from "../_components/ui/notice";
import { refusalFor, type Refusal } from "./messages";
import { CodeEntry, WaitingHint } from "./code-entry";
import { isStale, keepPending, readPending } from "./pending-claim";
import { Scanner } from "./scanner";
import { StudyOptions } from "../_components/study-options";

type ClaimView = {
  claimId: string;
  state: "waiting_for_device" | "claimed" | "failed";
  deviceId?: string;
  deviceName?: string;
  model?: string;
  firmware?: string;
  reason?: string;
};
type Preview = { model: string; firmware: string };
type Replacing = { id: string; name: string; model: string };
type StudyChoice = { id: string; name: string };

type Phase =
  | { step: "idle" }
  | { step: "scan"; notice: string | null }
  | { step: "confirm"; code: ClaimCode; preview: Preview | null }
  | { step: "sending"; preview: Preview | null }
  | { step: "waiting"; claimId: string; since: number; preview: Preview | null }
  | { step: "claimed"; deviceId: string; deviceName: string; preview: Preview | null }
  | ({ step: "refused" } & Refusal);

/**
 * The claim page. A code is submitted without a tap only when it came from our own scanner (or
 * was typed or photographed here) or from a link opened outside the browser (`autoSubmit`);
 * any other arrival shows the device's model and firmware and a "Claim this device" button
 * first. A replacement is never submitted without the person confirming, on a screen that
 * names the device being replaced.
 */
export function ClaimFlow({
  signedIn,
  autoSubmit,
  replacing,
  replacesUnknown,
  studies = [],
}: {
  signedIn: boolean;
  autoSubmit: boolean;
  replacing: Replacing | null;
  replacesUnknown: boolean;
  /** The open studies the person takes part in; with more than one they choose which a device is for. */
  studies?: StudyChoice[];
}) {
  const router = useRouter();
  const t = useTranslations("claim");
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const [scanNotice, setScanNotice] = useState<string | null>(null);
  const busy = useRef(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const progressHeading = useRef<HTMLHeadingElement>(null);
  const refusedHeading = useRef<HTMLHeadingElement>(null);
  const [noCamera, setNoCamera] = useState(false);
  // A string, stable across re-renders (the object from the server is not).
  const replacingId = replacing?.id ?? null;
  const [studyId, setStudyId] = useState<string>("");
  const chooseStudy = studies.length > 1;

  const submit = useCallback(
    async (code: ClaimCode, preview: Preview | null, confirmedReplace: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setPhase({ step: "sending", preview });
      performance.mark("claimlink:claim-sent");
      try {
        const started = await api<ClaimView>("/api/v1/claims", {
          method: "POST",
          body: {
            sid: code.sid,
            pop: code.pop,
            ...(replacingId && confirmedReplace ? { replaces: replacingId } : {}),
            ...(studyId ? { study: studyId } : {}),
          },
        });
        const reported = started.model ? { model: started.model, firmware: started.firmware ?? "" } : preview;
        setPhase({ step: "waiting", claimId: started.claimId, since: Date.now(), preview: reported });
        // Follow the claim with long polls: the server answers the moment it changes.
        let view = started;
        while (view.state === "waiting_for_device")
          view = await api<ClaimView>(`/api/v1/claims/${started.claimId}?wait=25`);
        if (view.state === "claimed") {
          setPhase({
            step: "claimed",
            deviceId: view.deviceId!,
            deviceName: view.deviceName ?? "your device",
            preview: reported,
          });
          setTimeout(() => router.push(`/devices/${view.deviceId}`), 1200);
        } else {
          setPhase({ step: "refused", ...refusalFor(view.reason ?? "failed") });
        }
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(0, "network_error", "");
        setPhase({ step: "refused", ...refusalFor(e.code, e.retryAfterSeconds) });
      } finally {
        busy.current = false;
      }
    },
    [replacingId, router, studyId],
  );

  /** A code to be confirmed first: the device's model and firmware are looked up to show. */
  const confirm = useCallback(async (code: ClaimCode) => {
    setPhase({ step: "confirm", code, preview: null });
    try {
      const preview = await api<Preview>("/api/v1/claims/preview", { method: "POST", body: { sid: code.sid } });
      setPhase({ step: "confirm", code, preview });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, "network_error", "");
      setPhase({ step: "refused", ...refusalFor(e.code, e.retryAfterSeconds) });
    }
  }, []);

  /** A code from this page's own scanner, typed or photographed here: ours, so no extra tap unless it replaces. */
  const ownCode = useCallback(
    (code: ClaimCode) => (replacingId ? void confirm(code) : void submit(code, null, false)),
    [replacingId, confirm, submit],
  );

  // A deep link (the phone's camera app opened claimUrl#sid.pop), or one carried through sign-in.
  useEffect(() => {
    const fromHash = window.location.hash.length > 1 ? parseTypedCode(window.location.hash.slice(1)) : null;
    if (window.location.hash) history.replaceState(null, "", window.location.pathname + window.location.search);
    if (fromHash) keepPending(fromHash, autoSubmit);
    if (!signedIn) {
      // Only the code travels through sign-in (in sessionStorage); a `replaces` never does.
      window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    const pending = readPending();
    const start = !pending
      ? () => setPhase({ step: "scan", notice: null })
      : isStale(pending)
        ? () => setPhase({ step: "scan", notice: t("staleCode") })
        : pending.trusted === true && !replacingId
          ? () => void submit({ sid: pending.sid, pop: pending.pop }, null, false)
          : () => void confirm({ sid: pending.sid, pop: pending.pop });
    queueMicrotask(start);
  }, [signedIn, autoSubmit, replacingId, submit, confirm]);

  // Each stage replaces the one before: focus goes to its heading, so a keyboard stays in the
  // page and a screen reader reads where the claim is (the confirmation's question, the
  // progress, the refusal), instead of falling to <body> with the button that was pressed.
  const stage =
    phase.step === "confirm"
      ? "confirm"
      : phase.step === "refused"
        ? "refused"
        : phase.step === "sending" || phase.step === "waiting" || phase.step === "claimed"
          ? "progress"
          : "other";
  useEffect(() => {
    const heading = { confirm: confirmHeading, progress: progressHeading, refused: refusedHeading, other: null }[stage];
    heading?.current?.focus();
  }, [stage]);

  const onScanned = useCallback(
    (text: string) => {
      const r = parseScannedCode(text, window.location.origin);
      if (r.ok) {
        performance.mark("claimlink:qr-decoded");
        setScanNotice(null);
        ownCode(r.code);
      } else {
        setScanNotice(r.reason === "other_server" ? t("otherServer", { host: r.host }) : t("notOurCode"));
      }
    },
    [ownCode],
  );

  if (!signedIn) return <p className="text-sm text-muted">{t("signInToClaim")}</p>;

  const preview = "preview" in phase ? phase.preview : null;
  const done = phase.step === "claimed";
  return (
    <div className="space-y-4">
      {replacing && phase.step !== "confirm" && (
        <Notice data-testid="replacing-notice">
          {t.rich("replacingNotice", { name: replacing.name, strong: (c) => <strong>{c}</strong> })}
        </Notice>
      )}
      {replacesUnknown && (
        <Notice tone="warn" data-testid="replaces-unknown">
          {t("replacesUnknown")}
        </Notice>
      )}
      {phase.step === "idle" && <p className="text-sm text-muted">{t("gettingReady")}</p>}

      {chooseStudy && (phase.step === "scan" || phase.step === "confirm") && (
        <Card className="p-4 sm:p-5">
          <Field id="claim-study" label={t("whichStudy")} hint={t("whichStudyHint")}>
            <Select
              id="claim-study"
              value={studyId}
              onChange={(e) => setStudyId(e.target.value)}
              data-testid="claim-study"
            >
              <StudyOptions studies={studies} none={t("chooseStudy")} />
            </Select>
          </Field>
        </Card>
      )}

      {phase.step === "scan" && (
        <Card className="p-4 sm:p-5">
          {phase.notice && (
            <Notice tone="warn" className="mb-4" data-testid="claim-notice">
              {phase.notice}
            </Notice>
          )}
          <Scanner onText={onScanned} paused={false} onCameraError={() => setNoCamera(true)} />
          <div role="status" className="empty:hidden">
            {scanNotice && (
              <p className="mt-3 rounded-md bg-accent-soft px-3 py-2 text-sm" data-testid="scan-notice">
                {scanNotice}
              </p>
            )}
          </div>
          <div className="mt-4">
            <CodeEntry onCode={ownCode} onNotice={setScanNotice} typingFirst={noCamera} />
          </div>
        </Card>
      )}

      {phase.step === "confirm" && (
        <Card className="p-4 sm:p-5" data-testid="claim-confirm" aria-live="polite">
          <h2 ref={confirmHeading} tabIndex={-1} className="text-lg font-semibold outline-none">
            {replacing ? t("confirmReplaceTitle", { name: replacing.name }) : t("confirmTitle")}
          </h2>
          {phase.preview ? (
            <dl
              className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-1 text-sm"
              data-testid="confirm-device"
            >
              <dt className="text-muted">{t("model")}</dt>
              <dd>{phase.preview.model}</dd>
              <dt className="text-muted">{t("firmware")}</dt>
              <dd>{phase.preview.firmware}</dd>
            </dl>
          ) : (
            <p className="mt-3 text-sm text-muted">{t("lookingUp")}</p>
          )}
          {replacing ? (
            <p className="mt-3 text-sm" data-testid="confirm-replace">
              {t.rich("confirmReplace", { name: replacing.name, strong: (c) => <strong>{c}</strong> })}
            </p>
          ) : (
            <p className="mt-3 text-sm">{t("confirmCheck")}</p>
          )}
          <div className="mt-4 flex flex-wrap gap-2">
            <Button
              disabled={!phase.preview}
              onClick={() => void submit(phase.code, phase.preview, replacing !== null)}
            >
              {replacing ? t("replaceButton", { name: replacing.name }) : t("claimButton")}
            </Button>
            <Button variant="secondary" onClick={() => setPhase({ step: "scan", notice: null })}>
              {t("cancel")}
            </Button>
          </div>
        </Card>
      )}

      {(phase.step === "sending" || phase.step === "waiting" || done) && (
        <Card className="p-4 sm:p-5" data-testid="handshake">
          <h2 ref={progressHeading} tabIndex={-1} className="text-lg font-semibold outline-none">
            {done ? t("yours", { name: phase.deviceName }) : t("claiming")}
          </h2>
          {preview && (
            <p className="mt-1 text-sm text-muted" data-testid="handshake-device">
              {t.rich("handshakeDevice", {
                model: preview.model,
                firmware: preview.firmware,
                strong: (c) => <strong className="text-fg">{c}</strong>,
              })}
            </p>
          )}
          <ol className="steps mt-4 space-y-2.5 text-sm" aria-live="polite">
            <li className="flex items-center gap-3" data-state={phase.step === "sending" ? "active" : "done"}>
              {phase.step === "sending" ? t("sending") : t("sent")}
            </li>
            <li
              className="flex items-center gap-3"
              data-state={phase.step === "waiting" ? "active" : done ? "done" : "todo"}
            >
              {done ? t("deviceConfirmed") : t("waitingDevice")}
            </li>
            <li className="flex items-center gap-3" data-state={done ? "done" : "todo"}>
              {done ? t("addedNamed", { name: phase.deviceName }) : t("added")}
            </li>
          </ol>
          {phase.step === "waiting" && (
            <div className="mt-4">
              <WaitingHint since={phase.since} />
            </div>
          )}
          {done && (
            <p className="mt-4 rounded-md bg-ok-soft px-3 py-2 text-sm text-ok-text" data-testid="claim-done">
              {t("done", { name: phase.deviceName })}
            </p>
          )}
        </Card>
      )}

      {phase.step === "refused" && (
        <Card className="p-4 sm:p-5">
          <h2 ref={refusedHeading} tabIndex={-1} className="text-lg font-semibold outline-none">
            {t("refusedTitle")}
          </h2>
          <p className="mt-2 text-sm" role="alert" data-testid="claim-error">
            {t(`refusals.${phase.key}`, phase.values)}
          </p>
          <div className="mt-4 flex flex-wrap gap-2">
            {(phase.next === "scan" || phase.next === "retry") && (
              <Button onClick={() => setPhase({ step: "scan", notice: null })}>
                {phase.next === "retry" ? t("tryAgain") : t("scanAgain")}
              </Button>
            )}
            {phase.next === "consent" && <ButtonLink href="/">{t("readConsent")}</ButtonLink>}
            <ButtonLink variant="secondary" href="/devices">
              {t("yourDevices")}
            </ButtonLink>
          </div>
        </Card>
      )}
    </div>
  );
}
