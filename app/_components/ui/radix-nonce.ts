"use client";

import { setNonce } from "get-nonce";

// Radix's modal parts lock page scroll with a <style> element they add at run time
// (react-remove-scroll-bar). The strict CSP allows <style> elements only with the page's
// nonce (docs/decisions/0013-design-system.md), so hand them the nonce Next put on its own
// scripts. `script.nonce` is readable although browsers hide the attribute.
if (typeof document !== "undefined") {
  const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce;
  if (nonce) setNonce(nonce);
}
