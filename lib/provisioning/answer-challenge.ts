import { and, eq } from "drizzle-orm";
import { enqueueWebhookEvent } from "../webhooks/events";
import { recordAudit, SYSTEM_ACTOR, type Actor } from "../audit/record";
import { bindMac, deriveDeviceSecret, verifyDeviceProof } from "../crypto/protocol";
import { sha256Hex } from "../crypto/tokens";
import { open, UnopenableSealError } from "../crypto/seal";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { claims, devices, provisioningSessions, type Claim, type ProvisioningSession } from "../db/schema";
import { newCredential, revokeDeviceCredentials } from "../devices/credentials";
import { uniqueDeviceName } from "../devices/naming";
import { noticeOwner, type NoticeKind } from "../devices/notices";
import { AppError } from "../errors/app-error";
import type { ProvisioningConfig } from "./config";
import { notifyTopic } from "./events";
import { lockAndCountOwned, planTarget } from "./claim-target";
import { studyStillClaimable } from "./claim-study";
import { authenticateSession } from "./poll-session";
import type { DeviceAnswer } from "./schemas";
import { failClaim, settleLocked } from "./settle-claim";
import { defaultIntervalOf } from "../models/registry";

export type ClaimedResult = { state: "claimed"; deviceId: string; credentialId: string; name: string; bindMac: string };
export type AnswerResult = ClaimedResult | { state: "waiting" | "locked" | "expired" };

/**
 * The device's answer to a challenge (section 1, "Answering a challenge"). Only a deviceProof
 * that verifies creates (or rebinds) a device record, stores the derived secret sealed, and
 * ends the session, all in one transaction. The same answer repeated gets the same result. A
 * refusal that ends the claim (a wrong proof) commits that ending before it is thrown.
 */
export async function answerChallenge(
  db: Db,
  cfg: ProvisioningConfig,
  req: { sid: string; claimId: string; sessionToken: string },
  answer: DeviceAnswer,
): Promise<AnswerResult> {
  const tokenHash = sha256Hex(req.sessionToken);
  const outcome = await db.transaction(async (tx) => {
    // Sent together (pipelined, run in this order): the session, locked only when the token is
    // right, and the claim answered, read once the lock is granted.
    const [[locked], [answered]] = await Promise.all([
      tx
        .select()
        .from(provisioningSessions)
        .where(and(eq(provisioningSessions.sid, req.sid), eq(provisioningSessions.tokenHash, tokenHash)))
        .for("update"),
      tx
        .select()
        .from(claims)
        .where(and(eq(claims.id, req.claimId), eq(claims.sid, req.sid))),
    ]);
    if (!locked) {
      // An unknown sid or a wrong token: authenticateSession says which.
      await authenticateSession(tx, req.sid, req.sessionToken);
      throw new AppError("invalid_session_token", "The session token does not match this session.");
    }
    const settled = await settleLocked(tx, locked, answered ?? null, cfg);
    // Usually the session's current claim, which settling has just read under the lock.
    const claim = settled.claim?.id === req.claimId ? settled.claim : answered;
    if (!claim) throw new AppError("claim_not_found", "No such claim for this session.");
    if (claim.state !== "waiting_for_device") return repeatOrRefuse(settled.session, claim, answer);

    // A wrong code on a session its device started while holding a credential (section 5):
    // someone may be trying to take that device, so its owner is told (after the commit).
    const wrongCode = settled.session.boundDeviceId
      ? { deviceId: settled.session.boundDeviceId, kind: "wrong_code" as NoticeKind }
      : undefined;
    if (!answer.accept) {
      const { session } = await failClaim(tx, settled.session, claim, answer.reason, cfg);
      return {
        result: { state: session.state as "waiting" | "locked" | "expired" },
        notice: answer.reason === "pop_mismatch" ? wrongCode : undefined,
      };
    }

    // A claim made for a study binds a device only while its claimant is still in that study
    // with a valid consent (they may have withdrawn since): else it ends as a time-out, which the
    // protocol already knows, and the device keeps showing codes.
    if (claim.studyId && !(await studyStillClaimable(tx, claim.userId, claim.studyId, settled.session.model))) {
      const { session } = await failClaim(tx, settled.session, claim, "timeout", cfg);
      return { result: { state: session.state as "waiting" | "locked" | "expired" } };
    }

    let pop: string;
    try {
      pop = open(cfg.secretKey, claim.popSealed!, claim.id).toString("ascii");
    } catch (err) {
      if (!(err instanceof UnopenableSealError)) throw err;
      // Sealed under a key this server no longer holds: the claim cannot be decided, so it ends
      // as a time-out (not counted against the person) and the device keeps showing codes.
      const { session } = await failClaim(tx, settled.session, claim, "timeout", cfg);
      return { result: { state: session.state as "waiting" | "locked" | "expired" } };
    }
    if (!verifyDeviceProof(pop, req.sid, claim.id, claim.nonce, answer.deviceNonce, answer.deviceProof)) {
      // The device does not know the PoP the user submitted: as good as a pop_mismatch.
      await failClaim(tx, settled.session, claim, "pop_mismatch", cfg);
      return {
        refusal: new AppError("proof_mismatch", "deviceProof does not match the claim; the claim has failed."),
        notice: wrongCode,
      };
    }
    const secret = deriveDeviceSecret(pop, req.sid, claim.id, claim.nonce, answer.deviceNonce);
    const { result, writes } = await bindDevice(tx, cfg, settled.session, claim, secret);
    // The record's writes and the claim's and session's ends are sent together (pipelined, run
    // in this order: the device before its credential): one round trip.
    await Promise.all([
      ...writes,
      tx
        .update(claims)
        .set({
          state: "claimed",
          deviceId: result.deviceId,
          deviceNonce: answer.deviceNonce,
          deviceProof: answer.deviceProof,
          popSealed: null,
          endedAt: new Date(),
        })
        .where(eq(claims.id, claim.id)),
      tx
        .update(provisioningSessions)
        .set({
          state: "claimed",
          currentClaimId: null,
          result: {
            deviceId: result.deviceId,
            credentialId: result.credentialId,
            name: result.name,
            bindMac: result.bindMac,
          },
        })
        .where(eq(provisioningSessions.sid, req.sid)),
      notifyTopic(tx, `session:${req.sid}`),
      notifyTopic(tx, `claim:${claim.id}`),
    ]);
    return { result, notice: { deviceId: result.deviceId, kind: "device_claimed" as NoticeKind } };
  });

  // Mail goes out after the commit and does not hold up the device's answer (it never throws).
  const notice = "notice" in outcome ? outcome.notice : undefined;
  if (notice) void noticeOwner(db, new URL(cfg.claimUrl).origin, notice.deviceId, notice.kind);
  if ("refusal" in outcome && outcome.refusal) throw outcome.refusal;
  return outcome.result!;
}

/** A claim that already ended: the same answer again gets the same result; anything else is refused. */
function repeatOrRefuse(
  session: ProvisioningSession,
  claim: Claim,
  answer: DeviceAnswer,
): { result?: AnswerResult; refusal?: AppError } {
  if (
    answer.accept &&
    claim.state === "claimed" &&
    claim.deviceNonce === answer.deviceNonce &&
    claim.deviceProof === answer.deviceProof &&
    session.result
  ) {
    return { result: { state: "claimed", ...session.result } };
  }
  if (!answer.accept && claim.state === "failed" && claim.reason === answer.reason) {
    return { result: { state: session.state === "locked" || session.state === "expired" ? session.state : "waiting" } };
  }
  return {
    refusal: new AppError(
      "claim_ended",
      `This claim has already ended (${claim.state === "claimed" ? "claimed" : claim.reason}).`,
    ),
  };
}

/**
 * Decides the record the claim lands on and returns the writes that bind it (unsent: the caller
 * sends them with its own) with the device's answer.
 */
async function bindDevice(
  tx: Db,
  cfg: ProvisioningConfig,
  session: ProvisioningSession,
  claim: Claim,
  secret: Uint8Array,
): Promise<{ result: ClaimedResult; writes: PromiseLike<unknown>[] }> {
  const owner: Actor = { id: claim.userId, label: "claim", ip: null };
  // The usual claim, a new board for a new record: the owner's lock and device count, the name
  // and the model's interval are read together (pipelined; the name once the lock is granted,
  // so two claims by one owner cannot pick the same name).
  const fresh = !session.boundDeviceId && !claim.replacesDeviceId;
  let deviceId = newId("dev");
  const [owned, freshName, freshInterval] = fresh
    ? await Promise.all([
        lockAndCountOwned(tx, claim.userId),
        uniqueDeviceName(tx, claim.userId, session.model, deviceId),
        defaultIntervalOf(tx, session.model),
      ])
    : [undefined, undefined, undefined];
  const target = await planTarget(tx, session, claim.userId, claim.replacesDeviceId, cfg.devicesPerAccount, owned);
  let name: string;
  let action: string;
  const writes: PromiseLike<unknown>[] = [];
  if (target.kind === "new") {
    // The board's old record, released by its owner, loses its credentials.
    if (target.releasedDevice)
      await revokeDeviceCredentials(tx, SYSTEM_ACTOR, target.releasedDevice.id, "claimed_by_new_owner");
    let interval: number | undefined;
    [name, interval] = fresh
      ? [freshName!, freshInterval]
      : await Promise.all([
          uniqueDeviceName(tx, claim.userId, session.model, deviceId),
          defaultIntervalOf(tx, session.model),
        ]);
    writes.push(
      tx.insert(devices).values({
        id: deviceId,
        ownerId: claim.userId,
        name,
        model: session.model,
        firmware: session.firmware,
        lastSeenAt: new Date(),
        measurementIntervalSeconds: interval,
        studyId: claim.studyId,
      }),
    );
    action = "device.claimed";
  } else {
    deviceId = target.device.id;
    name = target.device.name;
    await tx
      .update(devices)
      // New hardware (or a re-provisioned board) answering for the record ends a "lost" report.
      .set({ model: session.model, firmware: session.firmware, lastSeenAt: new Date(), lostAt: null })
      .where(eq(devices.id, deviceId));
    await revokeDeviceCredentials(
      tx,
      owner,
      deviceId,
      target.kind === "rebind" ? "reprovisioned" : "hardware_replaced",
    );
    action = target.kind === "rebind" ? "device.reprovisioned" : "device.replaced";
  }
  const credential = newCredential(tx, cfg.secretKey, deviceId, secret);
  writes.push(
    enqueueWebhookEvent(tx, "device.claimed", {
      deviceId,
      model: session.model,
      studyId: target.kind === "new" ? claim.studyId : target.device.studyId,
      kind: target.kind === "new" ? "new" : target.kind === "rebind" ? "reprovisioned" : "replacement",
    }),
  );
  const credentialId = credential.id;
  writes.push(
    credential.insert,
    recordAudit(
      tx,
      { ...owner, label: "device" },
      {
        action,
        outcome: "success",
        subjectUserId: claim.userId,
        subjectDeviceId: deviceId,
        detail: {
          sid: session.sid,
          claimId: claim.id,
          credentialId,
          model: session.model,
          firmware: session.firmware,
          ...(claim.studyId ? { studyId: claim.studyId } : {}),
          ...(target.kind === "new" && target.releasedDevice ? { previousDeviceId: target.releasedDevice.id } : {}),
        },
      },
    ),
  );
  return {
    result: { state: "claimed", deviceId, credentialId, name, bindMac: bindMac(secret, deviceId, credentialId) },
    writes,
  };
}
