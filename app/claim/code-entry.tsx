"use client";

import { useEffect, useState } from "react";
import { parseScannedCode, parseTypedCode, type ClaimCode } from "@/lib/provisioning/claim-code";
import { decodeImage } from "./scanner";

/** After a moment without an answer, a device with a button is probably asking for it. */
export function WaitingHint({ since }: { since: number }) {
  const [show, setShow] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShow(true), Math.max(0, 1500 - (Date.now() - since)));
    return () => clearTimeout(t);
  }, [since]);
  return show ? (
    <p className="notice info" data-testid="press-button">
      If the device asks, press the button on the device to confirm.
    </p>
  ) : null;
}

/** Typing the code under the QR, or choosing a photo of it. */
export function CodeEntry({
  onCode,
  onNotice,
}: {
  onCode: (c: ClaimCode) => void;
  onNotice: (n: string | null) => void;
}) {
  const [typedError, setTypedError] = useState<string | null>(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  return (
    <>
      <details className="alt">
        <summary>Type the code instead</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const text = String(new FormData(e.currentTarget).get("code") ?? "");
            const code = parseTypedCode(text);
            setTypedError(
              code
                ? null
                : "That does not look like a device code. It has two parts of 26 letters and digits, separated by a dot.",
            );
            if (code) onCode(code);
          }}
        >
          <label htmlFor="claim-code">Code under the QR</label>
          <input
            id="claim-code"
            name="code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="MFRG GZDF … . W53B 7GLA …"
          />
          {typedError && (
            <p className="notice error" data-testid="typed-error">
              {typedError}
            </p>
          )}
          <div className="actions">
            <button type="submit">Claim</button>
          </div>
        </form>
      </details>
      <details className="alt">
        <summary>Use a photo of the code</summary>
        <label htmlFor="claim-photo">Photo</label>
        <input
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
              if (!text) onNotice("No QR code found in that photo. Take it closer, straight on and in good light.");
              else {
                const r = parseScannedCode(text, window.location.origin);
                if (r.ok) onCode(r.code);
                else
                  onNotice(
                    r.reason === "other_server"
                      ? `That code belongs to another Claimlink server (${r.host}).`
                      : "That photo holds a QR code, but not a Claimlink code.",
                  );
              }
            } catch {
              onNotice("That file could not be read as an image.");
            } finally {
              setPhotoBusy(false);
              e.target.value = "";
            }
          }}
        />
        <p className="small muted">The code changes every 30 seconds, so use a photo taken just now.</p>
      </details>
    </>
  );
}
