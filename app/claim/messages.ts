import { tryAgainIn } from "@/lib/format";

// What the claim page says for each refusal (docs/protocol.md section 2) and failed claim, and what
// it offers next. Devices branch on codes; people get sentences.

export type Next = "scan" | "devices" | "retry" | "consent";
export type Refusal = { message: string; next: Next };

export function refusalFor(code: string, retryAfterSeconds?: number): Refusal {
  switch (code) {
    case "session_not_found":
    case "pop_mismatch":
    case "proof_mismatch":
      return { message: "The code on the screen changed; scan it again.", next: "scan" };
    case "session_locked":
      return {
        message:
          "Too many wrong codes were tried for this device, so it no longer accepts your claims. Switch the device off and on to get a new code, then scan again.",
        next: "scan",
      };
    case "session_claimed":
      return {
        message:
          "This device has just been claimed. If it was not you, switch it off and on and scan the new code, or contact the project team.",
        next: "devices",
      };
    case "claim_in_progress":
      return { message: "Someone is claiming this device right now. Try again in a minute.", next: "retry" };
    case "device_offline":
      return {
        message: "The device is not connected: is it switched on and online? Once it is, scan its code again.",
        next: "scan",
      };
    case "quota_exceeded":
      return {
        message:
          "You have reached your device limit. Release a device you no longer use, or ask the project team for more.",
        next: "devices",
      };
    case "device_owned_by_other":
      return {
        message: "Someone else owns this device. They need to release it before you can claim it.",
        next: "devices",
      };
    case "not_owner":
      return { message: "You can only replace a device of your own.", next: "devices" };
    case "study_required":
      return {
        message:
          "You take part in more than one study. Choose which study this device is for, then scan its code again.",
        next: "scan",
      };
    case "consent_required":
      return {
        message:
          "Before you claim a device for your study, read its consent text and consent (the text may have changed since you last read it).",
        next: "consent",
      };
    case "model_not_in_study":
      return {
        message:
          "This device's model is not one your study uses. Check that it is the device the study's team gave you; if it is, contact them.",
        next: "devices",
      };
    case "study_closed":
      return { message: "Your study is not open for new devices right now.", next: "devices" };
    case "study_not_found":
      return { message: "You are not in that study. Choose one of your studies and scan again.", next: "scan" };
    case "rate_limited":
      return { message: `Too many claim attempts. ${tryAgainIn(retryAfterSeconds ?? 60)}`, next: "retry" };
    case "user_declined":
      return {
        message:
          "The claim was declined on the device. If that was a mistake, scan the code again and confirm on the device.",
        next: "scan",
      };
    case "timeout":
      return {
        message:
          "The device did not confirm in time. If it asked you to press its button, scan its code again and press the button when it asks; otherwise check that it is switched on and online.",
        next: "scan",
      };
    case "network_error":
      return { message: "Could not reach Claimlink. Check your connection and try again.", next: "retry" };
    default:
      return { message: "The claim did not go through. Scan the code again.", next: "scan" };
  }
}

export const STALE_CODE =
  "The code you scanned is more than a minute old, and the device has shown new ones since. Scan the code on the screen again.";
