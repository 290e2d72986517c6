"use client";

import { useEffect, useRef, useState } from "react";
import QRCode from "qrcode";
import { useLocale, useTranslations } from "next-intl";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { runWebEmulator, type Screen } from "@/device/web-emulator";
import { Button } from "../_components/ui/button";
import { CheckboxField } from "../_components/ui/field";

type Drawn = Exclude<Screen, { kind: "code" }> | (Extract<Screen, { kind: "code" }> & { qr: string });

/** The /emulator page: draws what the device (device/web-emulator.ts) reports; no protocol logic here. */
export function Emulator() {
  const t = useTranslations("emulator");
  const locale = useLocale();
  // The log's clock in the reader's format, read when a line arrives (the device keeps running).
  const timeLocale = useRef(intlLocale(isLocale(locale) ? locale : "en"));
  const [screen, setScreen] = useState<Drawn>({ kind: "starting" });
  const [log, setLog] = useState<string[]>([]);
  const [askFirst, setAskFirst] = useState(false);
  const [run, setRun] = useState(0);
  const askRef = useRef(askFirst);
  const decide = useRef<((yes: boolean) => void) | null>(null);
  useEffect(() => {
    askRef.current = askFirst;
    timeLocale.current = intlLocale(isLocale(locale) ? locale : "en");
  }, [askFirst, locale]);

  useEffect(() => {
    const abort = new AbortController();
    let qrFor = "";
    let qr = "";
    let shown = 0; // a QR drawn late must not cover a screen shown since
    void runWebEmulator(
      {
        show(next) {
          const seq = ++shown;
          if (next.kind !== "code") return setScreen(next);
          if (next.qrText === qrFor) return setScreen({ ...next, qr });
          const text = next.qrText;
          void QRCode.toDataURL(text, {
            margin: 1,
            width: 400,
            errorCorrectionLevel: "M",
            color: { dark: "#111111", light: "#e9e8e2" },
          }).then((url) => {
            qrFor = text;
            qr = url;
            if (!abort.signal.aborted && seq === shown) setScreen({ ...next, qr: url });
          });
        },
        log: (line) =>
          setLog((l) => [`${new Date().toLocaleTimeString(timeLocale.current)} ${line}`, ...l].slice(0, 40)),
        askFirst: () => askRef.current,
        confirm: () => new Promise<boolean>((resolve) => (decide.current = resolve)),
      },
      abort.signal,
      window.location.origin,
    );
    return () => abort.abort();
  }, [run]);

  return (
    <div className="space-y-5 rounded-lg border border-line bg-surface p-4 shadow-xs sm:p-5">
      <div className="eink" data-testid="eink">
        {screen.kind === "starting" && <p className="screen-text">{t("starting")}</p>}
        {screen.kind === "code" && (
          <>
            {/* eslint-disable-next-line @next/next/no-img-element -- a generated data URL */}
            <img src={screen.qr} alt={t("qrAlt")} data-testid="emulator-qr" />
            <div className="screen-text" data-testid="emulator-code" data-code={screen.code}>
              {screen.code
                .split(".")
                .map((part) => part.match(/.{1,4}/g)!.join(" "))
                .join(" . ")}
            </div>
            <div className="mt-1.5 h-1 bg-[#bbb]" aria-hidden="true">
              <div
                className="h-full bg-[#333] transition-[width] duration-1000 ease-linear"
                style={{ width: `${(screen.secondsLeft / screen.stepSeconds) * 100}%` }}
              />
            </div>
            <div className="screen-text" data-testid="countdown">
              {t("newCodeIn", { seconds: screen.secondsLeft })}
            </div>
          </>
        )}
        {screen.kind === "confirm" && (
          <div className="screen-text" data-testid="emulator-confirm">
            <p className="mb-2">{t("wantsToClaim", { name: screen.name })}</p>
            <div className="flex justify-center gap-2">
              <button
                className="cursor-pointer rounded border-2 border-[#111] bg-[#111] px-3 py-1 font-sans text-sm text-[#e9e8e2]"
                onClick={() => decide.current?.(true)}
              >
                {t("accept")}
              </button>
              <button
                className="cursor-pointer rounded border-2 border-[#111] px-3 py-1 font-sans text-sm"
                onClick={() => decide.current?.(false)}
              >
                {t("decline")}
              </button>
            </div>
          </div>
        )}
        {screen.kind === "claimed" && (
          <>
            <p className="screen-text" data-testid="emulator-claimed">
              {t("claimed", { name: screen.name })}
            </p>
            <p className="screen-text text-xs" data-testid="emulator-firmware">
              {t("firmware", { version: screen.firmware })}
            </p>
          </>
        )}
        {screen.kind === "updating" && (
          <div className="screen-text" data-testid="emulator-updating">
            <p>{t("updating", { version: screen.version })}</p>
            <progress
              className="mt-1.5 h-2 w-full"
              max={screen.size}
              value={screen.received}
              aria-label={t("downloading", { version: screen.version })}
            />
            <p className="text-xs">
              {t("received", { received: Math.floor(screen.received / 1024), size: Math.ceil(screen.size / 1024) })}
            </p>
          </div>
        )}
        {screen.kind === "rebooting" && (
          <p className="screen-text" data-testid="emulator-rebooting">
            {t("rebooting", { version: screen.version })}
          </p>
        )}
        {screen.kind === "error" && <p className="screen-text">{screen.text}</p>}
      </div>
      <CheckboxField
        id="ask-first"
        checked={askFirst}
        onChange={(e) => setAskFirst(e.target.checked)}
        label={t("askFirst")}
      />
      <Button variant="secondary" onClick={() => (setLog([]), setScreen({ kind: "starting" }), setRun((n) => n + 1))}>
        {t("restart")}
      </Button>
      <h2 className="text-base font-semibold">{t("log")}</h2>
      <ul
        className="max-h-56 overflow-auto rounded-md border border-line bg-sunken p-2 font-mono text-xs leading-relaxed"
        data-testid="emulator-log"
      >
        {log.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    </div>
  );
}
