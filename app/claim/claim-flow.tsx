"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { parseScannedCode, parseTypedCode, type ClaimCode } from "@/lib/provisioning/claim-code";
import { api, ApiError } from "../_components/api";
import { refusalFor, STALE_CODE, type Next } from "./messages";
import { CodeEntry, WaitingHint } from "./code-entry";
import { Scanner } from "./scanner";

// The code from a deep link waits here while the person signs in: sessionStorage stays in this
// tab, and unlike a query string it never reaches a server log or a Referer. `trusted` records
// whether the link was opened from outside the browser (Sec-Fetch-Site: none), decided on the
// first arrival: the return from sign-in is a same-site navigation and must not decide it again.
const PENDING_KEY = "claimlink.pendingClaim";
const STALE_AFTER_MS = 55_000; // a PoP is accepted for its step and the one before (docs/protocol.md)

type Pending = ClaimCode & { scannedAt: number; trusted: boolean };
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

type Phase =
  | { step: "idle" }
  | { step: "scan"; notice: string | null }
  | { step: "confirm"; code: ClaimCode; preview: Preview | null }
  | { step: "sending"; preview: Preview | null }
  | { step: "waiting"; claimId: string; since: number; preview: Preview | null }
  | { step: "claimed"; deviceId: string; deviceName: string; preview: Preview | null }
  | { step: "refused"; message: string; next: Next };

function readPending(): Pending | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    return raw ? (JSON.parse(raw) as Pending) : null;
  } catch {
    return null;
  }
}

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
}: {
  signedIn: boolean;
  autoSubmit: boolean;
  replacing: Replacing | null;
  replacesUnknown: boolean;
}) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const [scanNotice, setScanNotice] = useState<string | null>(null);
  const busy = useRef(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  // A string, stable across re-renders (the object from the server is not).
  const replacingId = replacing?.id ?? null;

  const submit = useCallback(
    async (code: ClaimCode, preview: Preview | null, confirmedReplace: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setPhase({ step: "sending", preview });
      performance.mark("claimlink:claim-sent");
      try {
        const started = await api<ClaimView>("/api/v1/claims", {
          method: "POST",
          body: { sid: code.sid, pop: code.pop, ...(replacingId && confirmedReplace ? { replaces: replacingId } : {}) },
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
    [replacingId, router],
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
    if (fromHash)
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ ...fromHash, scannedAt: Date.now(), trusted: autoSubmit }));
    if (!signedIn) {
      // Only the code travels through sign-in (in sessionStorage); a `replaces` never does.
      window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    const pending = readPending();
    const start = !pending
      ? () => setPhase({ step: "scan", notice: null })
      : Date.now() - pending.scannedAt > STALE_AFTER_MS
        ? () => setPhase({ step: "scan", notice: STALE_CODE })
        : pending.trusted === true && !replacingId
          ? () => void submit({ sid: pending.sid, pop: pending.pop }, null, false)
          : () => void confirm({ sid: pending.sid, pop: pending.pop });
    queueMicrotask(start);
  }, [signedIn, autoSubmit, replacingId, submit, confirm]);

  // The confirmation replaces the scanner: focus goes to its question, so a screen reader reads it.
  const confirming = phase.step === "confirm";
  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);

  const onScanned = useCallback(
    (text: string) => {
      const r = parseScannedCode(text, window.location.origin);
      if (r.ok) {
        performance.mark("claimlink:qr-decoded");
        setScanNotice(null);
        ownCode(r.code);
      } else {
        setScanNotice(
          r.reason === "other_server"
            ? `That code belongs to another Claimlink server (${r.host}). Open the link with your phone's camera instead.`
            : "That is not a Claimlink code. Point the camera at the code on the device's screen.",
        );
      }
    },
    [ownCode],
  );

  if (!signedIn) return <p className="muted">Sign in to claim this device…</p>;

  const preview = "preview" in phase ? phase.preview : null;
  return (
    <div>
      {replacing && phase.step !== "confirm" && (
        <p className="notice info" data-testid="replacing-notice">
          You are claiming new hardware to replace <strong>{replacing.name}</strong>. You will be asked to confirm
          before anything changes.
        </p>
      )}
      {replacesUnknown && (
        <p className="notice error" data-testid="replaces-unknown">
          The device this link wants to replace is not one of yours, so nothing will be replaced. You can still claim a
          device of your own as a new device.
        </p>
      )}
      {phase.step === "idle" && <p className="muted">Getting ready…</p>}

      {phase.step === "scan" && (
        <div className="card">
          {phase.notice && (
            <p className="notice error" data-testid="claim-notice">
              {phase.notice}
            </p>
          )}
          <Scanner onText={onScanned} paused={false} />
          {scanNotice && (
            <p className="notice info" data-testid="scan-notice" role="status">
              {scanNotice}
            </p>
          )}
          <CodeEntry onCode={ownCode} onNotice={setScanNotice} />
        </div>
      )}

      {phase.step === "confirm" && (
        <div className="card" data-testid="claim-confirm" aria-live="polite">
          <h2 ref={confirmHeading} tabIndex={-1} style={{ marginTop: 0 }}>
            {replacing ? `Replace ${replacing.name}?` : "Claim this device?"}
          </h2>
          {phase.preview ? (
            <dl className="facts" data-testid="confirm-device">
              <dt>Model</dt>
              <dd>{phase.preview.model}</dd>
              <dt>Firmware</dt>
              <dd>{phase.preview.firmware}</dd>
            </dl>
          ) : (
            <p className="muted">Looking up the device…</p>
          )}
          {replacing ? (
            <p data-testid="confirm-replace">
              This new hardware will take over <strong>{replacing.name}</strong>: its name, history and commands. The
              board that is {replacing.name} now stops working. Only go on if that board broke or was lost, and the
              device above is the one in front of you.
            </p>
          ) : (
            <p>Check that this is the device in front of you. It will be added to your account.</p>
          )}
          <div className="actions">
            <button
              disabled={!phase.preview}
              onClick={() => void submit(phase.code, phase.preview, replacing !== null)}
            >
              {replacing ? `Replace ${replacing.name}` : "Claim this device"}
            </button>
            <button className="secondary" onClick={() => setPhase({ step: "scan", notice: null })}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {(phase.step === "sending" || phase.step === "waiting" || phase.step === "claimed") && (
        <div className="card" aria-live="polite" data-testid="handshake">
          {preview && (
            <p className="small" data-testid="handshake-device">
              Device: <strong>{preview.model}</strong>, firmware {preview.firmware}
            </p>
          )}
          <ol className="steps">
            <li className={phase.step === "sending" ? "active" : "done"}>Claim sent</li>
            <li className={phase.step === "waiting" ? "active" : phase.step === "claimed" ? "done" : ""}>
              Waiting for the device to confirm
            </li>
            <li className={phase.step === "claimed" ? "done" : ""}>
              {phase.step === "claimed" ? `Confirmed: ${phase.deviceName}` : "Confirmed"}
            </li>
          </ol>
          {phase.step === "waiting" && <WaitingHint since={phase.since} />}
          {phase.step === "claimed" && (
            <p className="notice ok" data-testid="claim-done">
              {phase.deviceName} is yours. Opening its page…
            </p>
          )}
        </div>
      )}

      {phase.step === "refused" && (
        <div className="card">
          <p className="notice error" data-testid="claim-error">
            {phase.message}
          </p>
          <div className="actions">
            {(phase.next === "scan" || phase.next === "retry") && (
              <button onClick={() => setPhase({ step: "scan", notice: null })}>
                {phase.next === "retry" ? "Try again" : "Scan again"}
              </button>
            )}
            <Link className="button secondary" href="/devices">
              Your devices
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
