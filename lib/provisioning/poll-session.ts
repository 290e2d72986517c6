import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { safeEqual, sha256Hex } from "../crypto/tokens";
import { rowsOf, type Database, type Db } from "../db/client";
import { claims, provisioningSessions, users, type Claim, type ProvisioningSession } from "../db/schema";
import { AppError } from "../errors/app-error";
import { toRfc3339 } from "../format";
import type { ProvisioningConfig } from "./config";
import { CHANNEL, subscribe } from "./events";
import { settleSession, type SessionWithClaim } from "./settle-claim";

// A device waiting for its claim (docs/protocol.md section 1, "Waiting for a claim").

/** Checks a session's bearer token: `session_not_found` for an unknown sid, `invalid_session_token` for a wrong one. */
export async function authenticateSession(db: Db, sid: string, token: string): Promise<ProvisioningSession> {
  const [session] = await db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, sid));
  if (!session) throw new AppError("session_not_found", "No such provisioning session.");
  if (!safeEqual(sha256Hex(token), session.tokenHash)) {
    throw new AppError("invalid_session_token", "The session token does not match this session.");
  }
  return session;
}

/**
 * Records that the device is polling now (it counts as online for ONLINE_WINDOW after), and
 * returns the session; with `tokenHash`, only when the token matches (a poll's one statement).
 */
export async function markPolled(
  db: Db,
  sid: string,
  tokenHash?: string,
  pollId?: string,
): Promise<ProvisioningSession | null> {
  const [session] = await db
    .update(provisioningSessions)
    .set(pollId ? { lastPollAt: sql`now()`, pollId } : { lastPollAt: sql`now()` })
    .where(
      and(
        eq(provisioningSessions.sid, sid),
        tokenHash === undefined ? undefined : eq(provisioningSessions.tokenHash, tokenHash),
      ),
    )
    .returning();
  return session ?? null;
}

export type DeviceView =
  | { state: "waiting"; expiresAt: string }
  | {
      state: "challenge";
      claimId: string;
      nonce: string;
      serverProof: string;
      account: { displayName: string };
      expiresAt: string;
    }
  | { state: "claimed"; deviceId: string; credentialId: string; name: string; bindMac: string }
  | { state: "expired" }
  | { state: "locked" };

function challengeView(
  claim: Pick<Claim, "id" | "nonce" | "serverProof" | "expiresAt">,
  displayName: string,
): DeviceView {
  return {
    state: "challenge",
    claimId: claim.id,
    nonce: claim.nonce,
    serverProof: claim.serverProof,
    account: { displayName },
    expiresAt: toRfc3339(claim.expiresAt),
  };
}

async function deviceView(db: Db, { session, claim }: SessionWithClaim): Promise<DeviceView> {
  switch (session.state) {
    case "waiting":
      return { state: "waiting", expiresAt: toRfc3339(session.expiresAt) };
    case "challenge": {
      const [account] = await db.select({ name: users.name }).from(users).where(eq(users.id, claim!.userId));
      return challengeView(claim!, account?.name ?? "");
    }
    case "claimed":
      return { state: "claimed", ...session.result! };
    default:
      return { state: session.state };
  }
}

async function readDeviceView(db: Db, cfg: ProvisioningConfig, sid: string): Promise<DeviceView> {
  const settled = await db.transaction((tx) => settleSession(tx, sid, cfg));
  if (!settled) throw new AppError("session_not_found", "No such provisioning session.");
  return deviceView(db, settled);
}

/** The waiting view when the row says so, else the settled view (a deadline may have passed). */
async function currentView(
  db: Db,
  cfg: ProvisioningConfig,
  session: Pick<ProvisioningSession, "sid" | "state" | "expiresAt">,
): Promise<DeviceView> {
  return session.state === "waiting" && session.expiresAt.getTime() > Date.now()
    ? { state: "waiting", expiresAt: toRfc3339(session.expiresAt) }
    : readDeviceView(db, cfg, session.sid);
}

/**
 * A woken poll's view and the session's current poll id, in one read when no deadline has
 * passed (the usual wake-up: a claim was made, or nothing changed); else settled under the
 * session's lock as every other read is.
 */
async function viewOnWake(
  db: Db,
  cfg: ProvisioningConfig,
  sid: string,
): Promise<{ view: DeviceView; pollId: string | null }> {
  const [row] = await db
    .select({
      pollId: provisioningSessions.pollId,
      state: provisioningSessions.state,
      expiresAt: provisioningSessions.expiresAt,
      result: provisioningSessions.result,
      claim: {
        id: claims.id,
        state: claims.state,
        nonce: claims.nonce,
        serverProof: claims.serverProof,
        expiresAt: claims.expiresAt,
      },
      displayName: users.name,
    })
    .from(provisioningSessions)
    .leftJoin(claims, eq(claims.id, provisioningSessions.currentClaimId))
    .leftJoin(users, eq(users.id, claims.userId))
    .where(eq(provisioningSessions.sid, sid));
  if (!row) throw new AppError("session_not_found", "No such provisioning session.");
  const now = Date.now();
  const live = row.expiresAt.getTime() > now;
  const { claim } = row;
  if (row.state === "waiting" && live)
    return { view: { state: "waiting", expiresAt: toRfc3339(row.expiresAt) }, pollId: row.pollId };
  if (row.state === "challenge" && live && claim?.state === "waiting_for_device" && claim.expiresAt.getTime() > now)
    return { view: challengeView(claim, row.displayName ?? ""), pollId: row.pollId };
  if (row.state === "claimed" && row.result) return { view: { state: "claimed", ...row.result }, pollId: row.pollId };
  return { view: await readDeviceView(db, cfg, sid), pollId: row.pollId };
}

type PollStart = { sid: string; state: ProvisioningSession["state"]; expiresAt: Date };

/**
 * Starts a poll in one statement: authenticates the session by its token's SHA-256, records the
 * poll's end (its deadline: the device counts as online until ONLINE_WINDOW after it) and takes
 * the session's poll id. Only when an older poll of this session may still be open (its deadline
 * is still ahead) does it NOTIFY, so that one ends at once in whichever app process holds it; a
 * device re-polling after its poll ended costs no notification. Null: unknown sid or wrong token.
 */
async function startPoll(
  db: Db,
  sid: string,
  tokenHash: string,
  pollId: string,
  waitSeconds: number,
): Promise<PollStart | null> {
  const [row] = rowsOf<{ sid: string; state: ProvisioningSession["state"]; expires_ms: number | string }>(
    await db.execute(sql`
      with old as (
        select sid, poll_id, last_poll_at from provisioning_sessions
         where sid = ${sid} and token_hash = ${tokenHash}
         for update
      ), u as (
        update provisioning_sessions s
           set last_poll_at = least(now() + make_interval(secs => ${waitSeconds}), s.expires_at + interval '1 second'),
               poll_id = ${pollId}
          from old
         where s.sid = old.sid
        returning s.sid, s.state, (extract(epoch from s.expires_at) * 1000)::float8 as expires_ms,
                  old.poll_id is not null and old.last_poll_at > now() as older_open
      )
      select sid, state, expires_ms,
             case when older_open then pg_notify(${CHANNEL}, ${`session:${sid}`}) end as woke
        from u`),
  );
  return row ? { sid: row.sid, state: row.state, expiresAt: new Date(Number(row.expires_ms)) } : null;
}

/** A poll the device dropped before its deadline: its real end is when it was last seen. */
async function endPollEarly(db: Db, sid: string, pollId: string): Promise<void> {
  await db
    .update(provisioningSessions)
    .set({ lastPollAt: sql`now()` })
    .where(and(eq(provisioningSessions.sid, sid), eq(provisioningSessions.pollId, pollId)));
}

/**
 * The device's long poll: answers at once unless the session is waiting, else on the first
 * change (a NOTIFY from any app process) or when `waitSeconds` run out. An idle poll costs the
 * database one statement (startPoll) and no notification; wake-ups come by LISTEN/NOTIFY.
 */
export async function pollSession(
  database: Database,
  cfg: ProvisioningConfig,
  sid: string,
  sessionToken: string,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<DeviceView> {
  const { db } = database;
  if (waitSeconds <= 0) {
    const session =
      (await markPolled(db, sid, sha256Hex(sessionToken))) ?? (await authenticateSession(db, sid, sessionToken));
    return currentView(db, cfg, session);
  }
  const sub = await subscribe(database, `session:${sid}`);
  try {
    // One open poll per session: this one takes the session's poll id and wakes any older poll,
    // which ends when it sees the id is no longer its own (in any app process).
    const pollId = randomBytes(12).toString("base64url");
    const started = await startPoll(db, sid, sha256Hex(sessionToken), pollId, waitSeconds);
    const session = started ?? (await authenticateSession(db, sid, sessionToken));
    const deadline = Math.min(Date.now() + waitSeconds * 1000, session.expiresAt.getTime() + 50);
    let view = await currentView(db, cfg, session);
    while (view.state === "waiting" && Date.now() < deadline && !signal?.aborted) {
      if (await sub.next(deadline - Date.now(), signal)) {
        // One read in the usual case, so a wake-up that changed nothing stays cheap.
        const woken = await viewOnWake(db, cfg, sid);
        view = woken.view;
        if (woken.pollId !== pollId) break; // a newer poll took over
        continue;
      }
      // No notification: nothing changed (every change notifies), unless a deadline passed.
      if (signal?.aborted && Date.now() < deadline) await endPollEarly(db, sid, pollId);
      view = await currentView(db, cfg, session);
      break;
    }
    return view;
  } finally {
    sub.close();
  }
}
