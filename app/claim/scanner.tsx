"use client";

import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "../_components/ui/button";
import { Select } from "../_components/ui/field";

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

export type CameraError = "denied" | "missing" | "insecure" | "failed";

/**
 * The in-page scanner: back camera preferred, a switcher where there are several cameras, a
 * torch toggle where the camera has one. Calls `onText` with each decoded QR text; the parent
 * decides whether it is a Claimlink code (and the scanner keeps going if not).
 */
export function Scanner({
  onText,
  paused,
  onCameraError,
}: {
  onText: (text: string) => void;
  paused: boolean;
  /** Told when there is no camera to scan with (the page then opens typing the code). */
  onCameraError?: (e: CameraError) => void;
}) {
  const t = useTranslations("claim");
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
  const onErrorRef = useRef(onCameraError);
  useEffect(() => {
    onTextRef.current = onText;
    pausedRef.current = paused;
    onErrorRef.current = onCameraError;
  });
  // Told in the same update as the error is shown, so the page opens typing in the same render.
  const fail = useCallback((e: CameraError) => {
    setError(e);
    onErrorRef.current?.(e);
  }, []);

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  }, []);

  useEffect(() => {
    let cancelled = false;
    let frame = 0;
    async function start() {
      if (!navigator.mediaDevices?.getUserMedia) {
        fail(window.isSecureContext ? "missing" : "insecure");
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
        fail(
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
  }, [cameraId, stop, fail]);

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
      <p className="rounded-md border border-line bg-sunken px-3 py-2.5 text-sm" data-testid="camera-error">
        {t(`camera.${error}`)}
      </p>
    );
  return (
    <div data-scanner={starting ? "starting" : "scanning"}>
      <div className="relative aspect-[4/3] w-full overflow-hidden rounded-lg bg-[#111]">
        <video
          ref={video}
          muted
          playsInline
          aria-label={t("camera.view")}
          data-testid="camera"
          className="block size-full object-cover"
        />
        <div
          aria-hidden="true"
          className="absolute inset-x-[22%] inset-y-[15%] rounded-xl border-[3px] border-white/85 shadow-[0_0_0_9999px_rgba(0,0,0,0.25)]"
        />
        {starting && (
          <p className="absolute inset-x-0 bottom-0 bg-black/50 p-2 text-center text-sm text-white">
            {t("camera.starting")}
          </p>
        )}
      </div>
      <canvas ref={canvas} hidden />
      {(cameras.length > 1 || torch.available) && (
        <div className="mt-2 flex flex-wrap gap-2">
          {cameras.length > 1 && (
            <Select
              aria-label={t("camera.label")}
              className="w-auto"
              value={cameraId ?? ""}
              onChange={(e) => setCameraId(e.target.value || null)}
            >
              <option value="">{t("camera.back")}</option>
              {cameras.map((c, i) => (
                <option key={c.deviceId || i} value={c.deviceId}>
                  {c.label || t("camera.numbered", { n: i + 1 })}
                </option>
              ))}
            </Select>
          )}
          {torch.available && (
            <Button variant="secondary" aria-pressed={torch.on} onClick={() => void toggleTorch()}>
              {torch.on ? t("camera.torchOff") : t("camera.torchOn")}
            </Button>
          )}
        </div>
      )}
      <p className="mt-2 text-sm text-muted">{t("camera.point")}</p>
    </div>
  );
}
