import { z } from "zod";
import { queryParam } from "../http/request";
import { idSchema } from "../ids";
import {
  answerChallengeRequest,
  pollSessionRequest,
  startSignedSession,
  startUnsignedSession,
} from "../provisioning/device-api";
import { deviceAnswerSchema, sidSchema, startSessionSchema, waitSchema } from "../provisioning/schemas";
import { answerResultAnswer, deviceViewAnswer, startedSessionAnswer } from "./answers";
import type { Area } from "./define";

// A device's provisioning calls before it holds a credential (docs/protocol.md section 1).

const sessionParams = z.object({ sid: sidSchema });

export const provisioning: Area = {
  tag: "provisioning",
  description:
    "A device starts a provisioning session, shows the rotating QR, waits for a claim and answers its " +
    "challenge (docs/protocol.md section 1). Every answer is signed (Claimlink-Signature, section 6).",
  routes: [
    {
      method: "POST",
      path: "/provisioning/sessions",
      guard: "device-start",
      summary: "Start a provisioning session",
      description:
        "Unsigned from a device without a credential; signed (Claimlink-HMAC) by one that holds a credential, " +
        "which binds the session to it (section 5). Starts are limited per address.",
      body: {
        schema: startSessionSchema,
        example: { model: "coreink-heat", firmware: "1.4.2" },
      },
      answers: {
        201: {
          description: "The session: show its QR, then wait for a claim.",
          schema: startedSessionAnswer,
          example: {
            sid: "MFRGGZDFMZTWQ2LKNNWG23TPOA",
            sessionToken: "q2qJ0k9x3rE4m8pWdVvQ0b5S1cA7yHnZtL6uFgK2oXs",
            claimUrl: "https://claimlink.example.org/claim",
            serverTime: 1795392000,
            step: 30,
            expiresAt: "2026-11-23T00:15:00Z",
          },
        },
      },
      errors: ["unsupported_media_type", "rate_limited", "unknown_model", "firmware_not_allowed"],
      refusals: "session.start_refused",
      signed: startSignedSession,
      unsigned: startUnsignedSession,
    },
    {
      method: "GET",
      path: "/provisioning/sessions/{sid}",
      guard: "device-session-token",
      summary: "Wait for a claim (long poll)",
      description:
        "Answers at once unless the state is `waiting`, else on the first change or when `wait` seconds (0 to 30) run out.",
      params: sessionParams,
      query: z.object({ wait: waitSchema.optional() }),
      answers: {
        200: {
          description: "The session's state as the device sees it.",
          schema: deviceViewAnswer,
          example: {
            state: "challenge",
            claimId: "clm_7Q2MABCDEFGHIJKL",
            nonce: "bm9uY2Utb2YtdGhlLWNoYWxsZW5nZS0zMi1ieXRlcw",
            serverProof: "c2VydmVyLXByb29mLW9mLXRoZS1jaGFsbGVuZ2UtMzI",
            account: { displayName: "A. de Vries" },
            expiresAt: "2026-11-23T00:03:30Z",
          },
        },
      },
      errors: ["session_not_found"],
      refusals: "session.poll_refused",
      handle: (r) => pollSessionRequest(r, queryParam(r.req, "wait"), r.req.signal),
    },
    {
      method: "POST",
      path: "/provisioning/sessions/{sid}/claims/{claimId}",
      guard: "device-session-token",
      summary: "Answer a claim's challenge",
      description:
        "Accept with the device's proof, or refuse (`pop_mismatch`, `user_declined`). The same POST with the same body answers the same.",
      params: sessionParams.extend({ claimId: idSchema("clm") }),
      body: {
        schema: deviceAnswerSchema,
        example: {
          accept: true,
          deviceNonce: "ZGV2aWNlLW5vbmNlLTE2Yg",
          deviceProof: "caUxHRtBQLISReeycb-Muh7SEUKru8Zg_1Tnh9bujCE",
        },
      },
      answers: {
        200: {
          description:
            "Claimed (keep the credential only if `bindMac` checks), or the session's state after a refusal.",
          schema: answerResultAnswer,
          example: {
            state: "claimed",
            deviceId: "dev_K3J7ABCDEFGHIJKL",
            credentialId: "crd_M4N5ABCDEFGHIJKL",
            name: "Living room",
            bindMac: "Zm9yLXRoZS1kZXZpY2UtdG8tY2hlY2stMzItYnl0ZXM",
          },
        },
      },
      errors: [
        "unsupported_media_type",
        "payload_too_large",
        "session_not_found",
        "claim_not_found",
        "claim_ended",
        "proof_mismatch",
        "quota_exceeded",
      ],
      refusals: "claim.answer_refused",
      handle: answerChallengeRequest,
    },
  ],
};
