"use client";

import { api, ApiError } from "./api";

/**
 * The token of an invitation or password-reset link. It arrives in the fragment (never sent to
 * a server), leaves the address bar at once (history, screen sharing), and waits in this tab's
 * sessionStorage, so a reload still has it; `forget` drops it once it is used.
 */
export function takeLinkToken(key: string): { token: string; forget: () => void } {
  const storageKey = `claimlink.${key}`;
  const fromHash = window.location.hash.slice(1);
  if (fromHash) {
    history.replaceState(null, "", window.location.pathname);
    try {
      sessionStorage.setItem(storageKey, fromHash);
    } catch {
      /* storage unavailable: a reload then needs the link again */
    }
  }
  let token = fromHash;
  if (!token)
    try {
      token = sessionStorage.getItem(storageKey) ?? "";
    } catch {
      token = "";
    }
  return {
    token,
    forget: () => {
      try {
        sessionStorage.removeItem(storageKey);
      } catch {
        /* nothing to forget */
      }
    },
  };
}

/**
 * The link's token looked up at `path` (a POST of `{ token }`). A used, expired or malformed link
 * is no use after a reload either, so it is forgotten; a busy or unreachable server says nothing
 * about the link, so a reload may still use it. Rejects with the lookup's error.
 */
export function lookUpLink<T>(link: { token: string; forget: () => void }, path: string): Promise<T> {
  if (!link.token) return Promise.reject(new Error("no token"));
  return api<T>(path, { method: "POST", body: { token: link.token } }).catch((err: unknown) => {
    if (err instanceof ApiError && (err.code === "not_found" || err.code === "invalid_request")) link.forget();
    throw err;
  });
}
