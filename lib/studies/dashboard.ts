import { count, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { enrolments, users } from "../db/schema";
import { openStudyKey, pseudonymizer } from "./pseudonyms";
import type { StudyReader } from "./access";
import type { DashboardQuery } from "./schemas";
import { visibleDevices } from "./visible";

// The study dashboard for staff and researchers: the enrolment funnel, per-day completeness
// (readings received against readings expected from each device's interval) and the devices
// silent for more than N hours. Researchers get pseudonyms only; staff also the contact details.

export const MAX_DASHBOARD_DAYS = 366;

export type Funnel = {
  invited: number;
  accepted: number;
  consented: number;
  deviceClaimed: number;
  reportedLast24h: number;
  withdrawn: number;
};

export type CompletenessDay = { day: string; received: number; expected: number };

export type SilentDevice = {
  device: string; // pseudonym
  participant: string; // pseudonym
  model: string;
  lastSeenAt: Date | null;
  contact?: { name: string; email: string }; // staff and support only
};

export type Dashboard = {
  funnel: Funnel;
  completeness: CompletenessDay[];
  silent: SilentDevice[];
  silentHours: number;
};

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** The funnel's counts (aggregates over everyone who was invited, erased participants included as counts only). */
async function funnel(db: Db, studyId: string, now: Date): Promise<Funnel> {
  const [row] = await db
    .select({
      invited: count(),
      accepted: sql<number>`count(${enrolments.acceptedAt})`,
      consented: sql<number>`count(${enrolments.consentVersionId})`,
      withdrawn: sql<number>`count(${enrolments.withdrawnAt})`,
    })
    .from(enrolments)
    .where(eq(enrolments.studyId, studyId));
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  const [claimed] = rowsOf<{ claimed: number | string; reported: number | string }>(
    await db.execute(sql`
      select count(distinct d.owner_id) as claimed,
             count(distinct d.owner_id) filter (where exists (
               select 1 from measurements m where m.device_id = d.id and m.time > ${since}::timestamptz)) as reported
        from devices d
        join enrolments e on e.study_id = d.study_id and e.user_id = d.owner_id
       where d.study_id = ${studyId}`),
  );
  return {
    invited: Number(row.invited),
    accepted: Number(row.accepted),
    consented: Number(row.consented),
    deviceClaimed: Number(claimed.claimed),
    reportedLast24h: Number(claimed.reported),
    withdrawn: Number(row.withdrawn),
  };
}

/**
 * Per UTC day from `from` to `to` (inclusive): distinct reading times received from the visible
 * devices, against the times expected: each device's active seconds that day (from its claim to
 * its release or withdrawal, or now) divided by its measurement interval.
 */
async function completeness(
  db: Db,
  devs: Awaited<ReturnType<typeof visibleDevices>>,
  from: string,
  to: string,
  now: Date,
): Promise<CompletenessDay[]> {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Math.min(Date.parse(`${to}T00:00:00Z`) + DAY_MS, start + MAX_DASHBOARD_DAYS * DAY_MS);
  const days: CompletenessDay[] = [];
  for (let t = start; t < end; t += DAY_MS) {
    let expected = 0;
    for (const d of devs) {
      const activeFrom = d.createdAt.getTime();
      const activeTo = Math.min(
        d.releasedAt?.getTime() ?? Infinity,
        d.withdrawnAt?.getTime() ?? Infinity,
        now.getTime(),
      );
      const overlap = Math.min(activeTo, t + DAY_MS) - Math.max(activeFrom, t);
      if (overlap > 0) expected += Math.floor(overlap / 1000 / d.measurementIntervalSeconds);
    }
    days.push({ day: dayOf(new Date(t)), received: 0, expected });
  }
  if (devs.length && days.length) {
    const ids = `{${devs.map((d) => d.id).join(",")}}`;
    const rows = rowsOf<{ day: string | Date; n: number | string }>(
      await db.execute(sql`
        select to_char(date_trunc('day', time at time zone 'UTC'), 'YYYY-MM-DD') as day,
               count(distinct (device_id, time)) as n
          from measurements
         where device_id = any(${ids}::text[])
           and time >= ${new Date(start).toISOString()}::timestamptz and time < ${new Date(end).toISOString()}::timestamptz
         group by 1`),
    );
    const byDay = new Map(days.map((d) => [d.day, d]));
    for (const r of rows) {
      const d = byDay.get(String(r.day));
      if (d) d.received = Number(r.n);
    }
  }
  return days;
}

/**
 * The dashboard of the study `reader` may read (lib/studies/access.ts `studyReader`). The
 * days default to the study's, up to today, at most MAX_DASHBOARD_DAYS.
 */
export async function studyDashboard(
  db: Db,
  keys: Parameters<typeof openStudyKey>[0],
  reader: StudyReader,
  query: DashboardQuery,
  now = new Date(),
): Promise<Dashboard> {
  const { study } = reader;
  const today = dayOf(now);
  const from = query.from ?? study.startsOn;
  const to = query.to ?? (study.endsOn < today ? study.endsOn : today);
  const devs = await visibleDevices(db, study.id);
  const p = pseudonymizer(openStudyKey(keys, study.id, study.pseudonymKeySealed));
  const cutoff = now.getTime() - query.silentHours * 3600_000;
  const silentDevs = devs.filter((d) => !d.releasedAt && !d.withdrawnAt && (d.lastSeenAt?.getTime() ?? 0) < cutoff);
  const contacts = new Map<string, { name: string; email: string }>();
  if (reader.contacts && silentDevs.length) {
    const owners = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(
        inArray(
          users.id,
          silentDevs.map((d) => d.ownerId),
        ),
      );
    for (const o of owners) contacts.set(o.id, { name: o.name, email: o.email });
  }
  return {
    funnel: await funnel(db, study.id, now),
    completeness: from <= to ? await completeness(db, devs, from, to, now) : [],
    silentHours: query.silentHours,
    silent: silentDevs.map((d) => ({
      device: p.device(d.id),
      participant: p.participant(d.ownerId),
      model: d.model,
      lastSeenAt: d.lastSeenAt,
      ...(reader.contacts ? { contact: contacts.get(d.ownerId) } : {}),
    })),
  };
}
