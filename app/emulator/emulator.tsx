"use client";

import { useEffect, useRef, useState } from "react";
import QRCode from "qrcode";
import { b64url, bindMac, deviceProof, deviceSecret, equalText, popAt, randomBytes, requestSig, responseMac, serverProof } from "@/device/web-device";

type Session = { sid: string; sessionToken: string; claimUrl: string; serverTime: number; step: number; expiresAt: string };
type Challenge = { state: "challenge"; claimId: string; nonce: string; serverProof: string; account: { displayName: string } };
type Claimed = { deviceId: string; credentialId: string; name: string };
type Screen =
  | { kind: "starting" }
  | { kind: "code"; qr: string; code: string; secondsLeft: number; step: number }
  | { kind: "confirm"; name: string }
  | { kind: "claimed"; name: string }
  | { kind: "error"; text: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The device side of PROTOCOL.md in the browser: starts a session, shows the rotating QR,
 * long-polls, checks the server's proof, answers, checks bindMac, then sends signed readings
 * and checks every response MAC. Nothing here trusts the server beyond what the MACs prove.
 */
export function Emulator() {
  const [screen, setScreen] = useState<Screen>({ kind: "starting" });
  const [log, setLog] = useState<string[]>([]);
  const [askFirst, setAskFirst] = useState(false);
  const [run, setRun] = useState(0);
  const askRef = useRef(askFirst);
  const decide = useRef<((yes: boolean) => void) | null>(null);
  useEffect(() => {
    askRef.current = askFirst;
  }, [askFirst]);

  useEffect(() => {
    let stopped = false;
    const abort = new AbortController();
    const say = (line: string) => setLog((l) => [`${new Date().toLocaleTimeString()} ${line}`, ...l].slice(0, 40));
    let offset = 0; // server clock minus ours, seconds
    const now = () => Math.floor(Date.now() / 1000) + offset;

    async function provision(): Promise<{ secret: Uint8Array; claimed: Claimed } | null> {
      const seed = randomBytes(32);
      const r = await fetch("/api/v1/provisioning/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "emulator", firmware: "web-1.0" }) });
      if (!r.ok) throw new Error(`could not start a session (${r.status})`);
      const s = (await r.json()) as Session;
      offset = s.serverTime - Math.floor(Date.now() / 1000);
      say(`Session ${s.sid.slice(0, 8)}… started; showing the code.`);
      let shownStep = -1;
      const draw = async () => {
        const T = Math.floor(now() / s.step);
        const secondsLeft = s.step - (now() % s.step);
        if (T !== shownStep) {
          shownStep = T;
          const pop = await popAt(seed, s.sid, T);
          const text = `${s.claimUrl}#${s.sid}.${pop}`;
          const qr = await QRCode.toDataURL(text, { margin: 1, width: 400, errorCorrectionLevel: "M", color: { dark: "#111111", light: "#e9e8e2" } });
          if (!stopped) setScreen({ kind: "code", qr, code: `${s.sid}.${pop}`, secondsLeft, step: T });
        } else if (!stopped) {
          setScreen((sc) => (sc.kind === "code" ? { ...sc, secondsLeft } : sc));
        }
      };
      await draw();
      const timer = setInterval(() => void draw(), 1000);
      try {
        for (;;) {
          const p = await fetch(`/api/v1/provisioning/sessions/${s.sid}?wait=25`, { headers: { authorization: `Bearer ${s.sessionToken}` }, signal: abort.signal });
          const a = await p.json();
          if (a.state === "expired" || a.state === "locked") {
            say(`Session ${a.state}; starting a new one.`);
            return null;
          }
          if (a.state !== "challenge") continue;
          const ch = a as Challenge;
          const T = Math.floor(now() / s.step);
          let pop: string | null = null;
          for (const candidate of [await popAt(seed, s.sid, T), await popAt(seed, s.sid, T - 1)]) {
            if (equalText(await serverProof(candidate, s.sid, ch.claimId, ch.nonce), ch.serverProof)) pop = candidate;
          }
          const answer = async (body: unknown) =>
            fetch(`/api/v1/provisioning/sessions/${s.sid}/claims/${ch.claimId}`, { method: "POST", headers: { authorization: `Bearer ${s.sessionToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
          if (!pop) {
            say(`${ch.account.displayName} sent a code this screen did not show: refused (pop_mismatch).`);
            await answer({ accept: false, reason: "pop_mismatch" });
            continue;
          }
          say(`Challenge from ${ch.account.displayName}: the server's proof matches this screen.`);
          if (askRef.current) {
            clearInterval(timer);
            setScreen({ kind: "confirm", name: ch.account.displayName });
            const yes = await new Promise<boolean>((resolve) => (decide.current = resolve));
            if (!yes) {
              say("Declined on the device (user_declined).");
              await answer({ accept: false, reason: "user_declined" });
              return null;
            }
          }
          const deviceNonce = b64url(randomBytes(16));
          const proof = await deviceProof(pop, s.sid, ch.claimId, ch.nonce, deviceNonce);
          const secret = await deviceSecret(pop, s.sid, ch.claimId, ch.nonce, deviceNonce);
          const res = await answer({ accept: true, deviceNonce, deviceProof: proof });
          const body = await res.json();
          if (res.status !== 200) {
            say(`The server refused the answer: ${body.code}.`);
            continue;
          }
          if (!equalText(await bindMac(secret, body.deviceId, body.credentialId), body.bindMac)) {
            say("bindMac does not check: not keeping this credential.");
            return null;
          }
          say(`Claimed as “${body.name}” (${body.deviceId}); bindMac checks; secret kept on the device.`);
          return { secret, claimed: body as Claimed };
        }
      } finally {
        clearInterval(timer);
      }
    }

    async function report(secret: Uint8Array, claimed: Claimed) {
      setScreen({ kind: "claimed", name: claimed.name });
      while (!stopped) {
        const path = "/api/v1/devices/me/measurements";
        const hour = new Date().getHours();
        const body = JSON.stringify({ measurements: [{ property: "temperature", unit: "Cel", time: now(), value: +(20 + Math.sin(hour / 4) + Math.random() * 0.2).toFixed(2) }] });
        const nonce = b64url(randomBytes(16));
        const ts = now();
        const sig = await requestSig(secret, "POST", path, ts, nonce, body);
        const r = await fetch(path, { method: "POST", headers: { authorization: `Claimlink-HMAC credential="${claimed.credentialId}", ts="${ts}", nonce="${nonce}", sig="${sig}"`, "content-type": "application/json" }, body, signal: abort.signal });
        const text = await r.text();
        const mac = r.headers.get("claimlink-response-mac");
        if (!mac || !equalText(await responseMac(secret, nonce, r.status, text), mac)) say("An answer without a valid response MAC: ignored.");
        else if (r.status === 200) say(`Sent a temperature reading: ${text}`);
        else {
          say(`Reading refused: ${JSON.parse(text).code}.`);
          if (JSON.parse(text).code === "credential_revoked") return;
        }
        await sleep(10_000);
      }
    }

    (async () => {
      while (!stopped) {
        try {
          const got = await provision();
          if (got) return await report(got.secret, got.claimed);
        } catch (err) {
          if (stopped) return;
          setScreen({ kind: "error", text: (err as Error).message });
          say(`Error: ${(err as Error).message}; retrying.`);
          await sleep(3000);
        }
      }
    })();
    return () => {
      stopped = true;
      abort.abort();
    };
  }, [run]);

  return (
    <div className="card">
      <div className="eink" data-testid="eink">
        {screen.kind === "starting" && <p className="screen-text">Starting…</p>}
        {screen.kind === "code" && (
          <>
            {/* eslint-disable-next-line @next/next/no-img-element -- a generated data URL */}
            <img src={screen.qr} alt="Claim code" data-testid="emulator-qr" />
            <div className="screen-text" data-testid="emulator-code" data-code={screen.code}>
              {screen.code.split(".").map((part) => part.match(/.{1,4}/g)!.join(" ")).join(" . ")}
            </div>
            <div className="countdown" aria-label={`New code in ${screen.secondsLeft} seconds`}>
              <div style={{ width: `${(screen.secondsLeft / 30) * 100}%` }} />
            </div>
            <div className="screen-text" data-testid="countdown">New code in {screen.secondsLeft} s</div>
          </>
        )}
        {screen.kind === "confirm" && (
          <div className="screen-text" data-testid="emulator-confirm">
            <p>{screen.name} wants to claim this device.</p>
            <button onClick={() => decide.current?.(true)}>Accept</button>{" "}
            <button className="secondary" onClick={() => decide.current?.(false)}>Decline</button>
          </div>
        )}
        {screen.kind === "claimed" && <p className="screen-text" data-testid="emulator-claimed">Claimed: {screen.name}</p>}
        {screen.kind === "error" && <p className="screen-text">{screen.text}</p>}
      </div>
      <label style={{ display: "flex", gap: "0.5rem", alignItems: "center", fontWeight: 400 }}>
        <input type="checkbox" style={{ width: "auto" }} checked={askFirst} onChange={(e) => setAskFirst(e.target.checked)} />
        Ask on the device before accepting a claim (a device with a button)
      </label>
      <div className="actions">
        <button className="secondary" onClick={() => (setLog([]), setScreen({ kind: "starting" }), setRun((n) => n + 1))}>Restart the device</button>
      </div>
      <h2>What the device sees</h2>
      <ul className="log" data-testid="emulator-log">
        {log.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
    </div>
  );
}
