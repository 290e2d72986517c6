"use client";

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
