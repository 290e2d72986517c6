"use client";

import { useCallback, useEffect, useRef, useState } from "react";

type Decoder = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

let decoder: Promise<Decoder> | null = null;
/** jsQR, loaded from our own origin only when the scanner opens (it is not on the page's first load). */
export function loadDecoder(): Promise<Decoder> {
  decoder ??= import("jsqr").then((m) => m.default as unknown as Decoder);
  return decoder;
}

const MAX_SIDE = 640;

/** Decodes a QR code from any drawable (a video frame or a photo), or returns null. */
export async function decodeImage(
  source: CanvasImageSource,
  width: number,
  height: number,
  canvas: HTMLCanvasElement,
): Promise<string | null> {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const found = (await loadDecoder())(image.data, image.width, image.height);
  return found?.data ?? null;
}

type CameraError = "denied" | "missing" | "insecure" | "failed";

const CAMERA_HELP: Record<CameraError, string> = {
  denied:
    "Camera access was refused. To scan, allow the camera for this site in your browser's settings and reload. You can also type the code shown under the QR, or choose a photo of it.",
  missing: "No camera was found on this device. Type the code shown under the QR, or choose a photo of it.",
  insecure: "The camera needs a secure (https) connection. Type the code shown under the QR, or choose a photo of it.",
  failed: "The camera could not be started. Close other apps that use it and try again, or type the code instead.",
};

/**
 * The in-page scanner: back camera preferred, a switcher where there are several cameras, a
 * torch toggle where the camera has one. Calls `onText` with each decoded QR text; the parent
 * decides whether it is a Claimlink code (and the scanner keeps going if not).
 */
export function Scanner({ onText, paused }: { onText: (text: string) => void; paused: boolean }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [error, setError] = useState<CameraError | null>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [torch, setTorch] = useState<{ available: boolean; on: boolean }>({ available: false, on: false });
  const [starting, setStarting] = useState(true);
  const onTextRef = useRef(onText);
  const pausedRef = useRef(paused);
  useEffect(() => {
    onTextRef.current = onText;
    pausedRef.current = paused;
  });

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  }, []);

  useEffect(() => {
    let cancelled = false;
    let frame = 0;
    async function start() {
      if (!navigator.mediaDevices?.getUserMedia) {
        setError(window.isSecureContext ? "missing" : "insecure");
        setStarting(false);
        return;
      }
      try {
        const s = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: cameraId
            ? { deviceId: { exact: cameraId } }
            : { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        });
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream.current = s;
        const track = s.getVideoTracks()[0];
        const caps = (track.getCapabilities?.() ?? {}) as { torch?: boolean };
        setTorch({ available: !!caps.torch, on: false });
        const v = video.current!;
        v.srcObject = s;
        await v.play();
        performance.mark("claimlink:camera-playing");
        setStarting(false);
        setError(null);
        const all = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
        if (!cancelled) setCameras(all);
        void loadDecoder();
        const tick = async () => {
          if (cancelled) return;
          if (!pausedRef.current && v.readyState >= 2 && v.videoWidth > 0) {
            const text = await decodeImage(v, v.videoWidth, v.videoHeight, canvas.current!);
            if (text && !cancelled) onTextRef.current(text);
          }
          frame = window.setTimeout(() => requestAnimationFrame(() => void tick()), 60);
        };
        void tick();
      } catch (err) {
        if (cancelled) return;
        const name = (err as DOMException).name;
        setError(
          name === "NotAllowedError" || name === "SecurityError"
            ? "denied"
            : name === "NotFoundError" || name === "OverconstrainedError"
              ? "missing"
              : "failed",
        );
        setStarting(false);
      }
    }
    void start();
    return () => {
      cancelled = true;
      clearTimeout(frame);
      stop();
    };
  }, [cameraId, stop]);

  async function toggleTorch() {
    const track = stream.current?.getVideoTracks()[0];
    if (!track) return;
    const on = !torch.on;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
      setTorch({ available: true, on });
    } catch {
      setTorch({ available: false, on: false });
    }
  }

  if (error)
    return (
      <p className="notice error" data-testid="camera-error">
        {CAMERA_HELP[error]}
      </p>
    );
  return (
    <div className="scanner">
      <div className="viewfinder">
        <video ref={video} muted playsInline aria-label="Camera view" data-testid="camera" />
        <div className="frame" aria-hidden="true" />
        {starting && <p className="scanner-status">Starting the camera…</p>}
      </div>
      <canvas ref={canvas} hidden />
      <div className="actions scanner-controls">
        {cameras.length > 1 && (
          <select aria-label="Camera" value={cameraId ?? ""} onChange={(e) => setCameraId(e.target.value || null)}>
            <option value="">Back camera</option>
            {cameras.map((c, i) => (
              <option key={c.deviceId || i} value={c.deviceId}>
                {c.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        )}
        {torch.available && (
          <button type="button" className="secondary" aria-pressed={torch.on} onClick={() => void toggleTorch()}>
            {torch.on ? "Torch off" : "Torch on"}
          </button>
        )}
      </div>
      <p className="small muted">Point the camera at the square code on the device&apos;s screen.</p>
    </div>
  );
}
